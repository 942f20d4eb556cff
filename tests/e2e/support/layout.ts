// Measures phone layouts: nothing scrolls sideways or sticks out of its card, and long email
// addresses wrap only where an address can sensibly break.
import { expect, type Locator, type Page } from '@playwright/test';

/** The page does not scroll sideways, and nothing inside `box` reaches past its edges. */
export async function expectFits(page: Page, box: Locator, name: string): Promise<void> {
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  expect(sideways, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  const outside = await box.evaluate((outer) => {
    const edge = outer.getBoundingClientRect();
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const found: string[] = [];
    for (const el of outer.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < edge.left - 0.5 || r.right > edge.right + 0.5) found.push(describe(el));
      // A block whose own text runs past its box (inputs scroll their text inside).
      const style = getComputedStyle(el);
      const scrolls = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
      if (!scrolls && style.display !== 'inline' && style.overflowX === 'visible') {
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) found.push(describe(el));
      }
    }
    return found;
  });
  expect(outside, `${name}: these stick out`).toEqual([]);
}

/**
 * The address wraps onto more than one line, but only between its pieces (after the @, before a
 * dot): each run of text between break points sits on one line.
 */
export async function expectEmailWrapsSensibly(email: Locator): Promise<void> {
  const pieces = await email.evaluate((el) => {
    const lineCount = (rects: DOMRectList) =>
      new Set([...rects].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    const runs: { text: string; lines: number }[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      runs.push({ text: node.textContent ?? '', lines: lineCount(range.getClientRects()) });
    }
    const whole = document.createRange();
    whole.selectNodeContents(el);
    return { runs, lines: lineCount(whole.getClientRects()) };
  });
  expect(pieces.lines, 'the address is long enough to wrap here').toBeGreaterThan(1);
  expect(
    pieces.runs.filter((run) => run.lines > 1),
    'runs broken mid-word'
  ).toEqual([]);
}
