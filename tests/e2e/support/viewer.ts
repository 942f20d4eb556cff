import { expect, type Page } from '@playwright/test';

/**
 * pdf.js has drawn the viewer's first page (its canvas, over the server's picture). pdf.js
 * parses in a worker and is CPU-bound: on a busy CI machine this takes seconds, hence the wait.
 */
export async function expectPdfPainted(page: Page): Promise<void> {
  await expect(page.locator('[data-first-painted]')).toBeVisible({ timeout: 30_000 });
}

/** Page 1's picture, drawn by the server, has loaded (whether or not pdf.js has covered it). */
export async function expectPagePicture(page: Page): Promise<void> {
  const picture = page.locator('[data-page="1"] img');
  await expect
    .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
      timeout: 15_000
    })
    .toBeGreaterThan(0);
}

/**
 * Why pdf-boot.js started pdf.js (the detail of its sheaf:boot-start mark): a gesture's event
 * type, 'idle', 'navigation', 'picture' or 'viewer'; null while it has not.
 */
export async function pdfjsStartReason(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('sheaf:boot-start')[0] as PerformanceMark | undefined;
    return mark ? String(mark.detail) : null;
  });
}
