// Axe on the page as it stands, in the light colour scheme and in the dark: zero violations.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { useColourScheme } from './scheme';

export async function expectNoViolations(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    // Waits for the colour transitions the switch started: axe reading a button halfway from
    // light to dark finds a contrast that is on screen for a moment only (a flake seen once).
    await useColourScheme(page, colorScheme);
    const results = await new AxeBuilder({ page }).analyze();
    const found = results.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`
    );
    expect(found, `axe on ${name} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}
