import type { Page } from '@playwright/test';

/**
 * Switches the page to a colour scheme and waits until the colour transitions that started have
 * finished (not a fixed time): a screenshot then shows the scheme, not a blend.
 */
export async function useColourScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        // A transition cut short (the element went, a toast closed) rejects its `finished`
        // with an AbortError: it is over all the same.
        .map((a) => a.finished.catch(() => undefined))
    )
  );
}
