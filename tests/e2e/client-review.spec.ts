// The client's review journey: the mail's link -> packet -> a 2-page and a 60-page PDF -> page
// indicator, zoom, ask about page 3 -> approve; staff see the pin (and open that page from it)
// and the decision. Staff build the packet through the real UI with statements generated here.
import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { linkPathOf, openLinkAndContinue, signInAsOwner, waitForMail } from './support/auth';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { expectPagePicture, expectPdfPainted, pdfjsStartReason } from './support/viewer';
import { approveAndConfirm } from './support/approve';

test('a contact reviews a packet: read, zoom, ask about page 3, approve; staff see it', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  await signInAsOwner(staff, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const clientName = `Harbour Bakery ${tag}`;
  const email = `casey-${tag}@harbour-bakery.example`;
  await addClient(staff, { name: clientName, code: `HB${tag}`.slice(0, 20).toUpperCase() }, [
    { name: 'Casey Baker', email }
  ]);
  const files = await statementFiles(clientName, [
    { name: 'Summary.pdf', pages: 2 },
    { name: 'Ledger detail.pdf', pages: 60 }
  ]);
  const packetId = await composePacket(staff, files);
  const since = await publishPacket(staff, 1);

  // The contact taps the link in the mail.
  const mail = await waitForMail(staff.request, email, since, 15_000, /ready to review/);
  expect(mail.subject).toContain('Smith & Co');
  await openLinkAndContinue(page, linkPathOf(mail));
  await expect(page).toHaveURL(new RegExp(`/p/${packetId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // The 2-page document paints and says so.
  await page.getByRole('link', { name: /Summary.*2 pages ·/ }).click();
  await expectPdfPainted(page);
  // Reached from the packet (a client-side navigation), pdf.js starts at once: the tap that
  // opened the document is the reader asking for it.
  expect(await pdfjsStartReason(page)).toBe('navigation');
  await expect(page.getByRole('button', { name: /Page 1 of 2\./ })).toBeVisible();
  // Page 1 was drawn by the server at upload: on a phone that has not started pdf.js yet (it
  // waits for the reader), it is on screen from the HTML alone, filling the page's frame.
  await expectPictureBeforePdfjs(browser, page);
  await page.getByRole('link', { name: /^Back to / }).click();
  // Opened again: a fresh start, not the loading task that ended with the first visit.
  await page.getByRole('link', { name: /Summary.*2 pages ·/ }).click();
  await expectPdfPainted(page);
  await expect(page.locator('[data-page="1"] .textLayer')).toContainText(/page 1 of 2/i);
  await page.getByRole('link', { name: /^Back to / }).click();

  // The 60-page document: indicator, jump, zoom.
  await page.getByRole('link', { name: /Ledger detail.*60 pages ·/ }).click();
  await expectPdfPainted(page);
  await expect(page.getByRole('button', { name: /^Page 1 of 60\./ })).toBeVisible();
  await page.getByRole('button', { name: /Page 1 of 60\./ }).click();
  await page.getByLabel('Go to page').fill('3');
  await page.getByLabel('Go to page').press('Enter');
  await expect(page.getByRole('button', { name: /^Page 3 of 60\./ })).toBeVisible();
  const pageBox = () => page.locator('[data-page="3"]').boundingBox();
  const before = (await pageBox())!.width;
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => (await pageBox())!.width).toBeGreaterThan(before * 1.2);
  await page.getByRole('button', { name: /Fit to width/ }).click();
  await expect.poll(async () => (await pageBox())!.width).toBeLessThan(before * 1.05);
  // Text is selectable: the text layer carries the page's words.
  await expect(page.locator('[data-page="3"] .textLayer')).toContainText('Page 3 of 60');

  // Ask about page 3.
  await page.getByRole('button', { name: 'Ask about this page' }).click();
  const sheet = page.getByRole('dialog', { name: 'Ask about page 3' });
  await sheet.getByLabel('Your question').fill('What is the card payment on 14/08?');
  await sheet.getByRole('button', { name: 'Send question' }).click();
  await expect(page.getByText('Question sent.').first()).toBeVisible();

  // Back on the packet: the pinned question, then approve.
  await page.getByRole('link', { name: /^Back to / }).click();
  await expect(page.getByText('What is the card payment on 14/08?')).toBeVisible();
  await expect(page.getByRole('link', { name: /page 3/i })).toBeVisible();
  await approveAndConfirm(page);
  await expect(page.getByText(/You approved this packet/)).toBeVisible();

  // Staff see the pin, can open that page from it, and see the decision.
  await staff.goto(`/firm/packets/${packetId}`);
  const pin = staff.getByRole('link', { name: /Page 3 of Ledger detail/ });
  await expect(pin).toBeVisible();
  const href = (await pin.getAttribute('href'))!;
  expect(href).toMatch(new RegExp(`^/firm/packets/${packetId}/documents/[0-9a-f-]{36}#page=3$`));
  const pdf = await staff.request.get(href.split('#')[0]);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const row = staff.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('approved');
  await expect(row).toContainText('delivered');
  await staff.close();
});

async function expectPictureBeforePdfjs(browser: Browser, page: Page) {
  // No service worker: the checks below read this page's own requests for pdf.js.
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    viewport: { width: 390, height: 844 },
    serviceWorkers: 'block',
    storageState: await page.context().storageState()
  });
  const viewer = await context.newPage();
  const refused: string[] = [];
  viewer.on('console', (m) => {
    if (/Content Security Policy/.test(m.text())) refused.push(m.text());
  });
  await viewer.goto(page.url());
  await expectPagePicture(viewer);
  await expect(viewer.locator('[data-page="1"] canvas')).toHaveCount(0);
  const frame = (await viewer.locator('[data-page="1"]').boundingBox())!;
  const picture = (await viewer.locator('[data-page="1"] img').boundingBox())!;
  expect(frame.width).toBeGreaterThan(300);
  expect(Math.abs(picture.width - frame.width)).toBeLessThan(1);
  expect(Math.abs(picture.height - frame.height)).toBeLessThan(1);
  // pdf.js waits for the reader: page 1 is on screen without it, and nothing of pdf.js is
  // asked for before the reader touches the page (or the page has been idle for 3 s after its
  // load event, which a slow machine may reach first: the check below allows for either).
  await expect(viewer.locator('.slow')).toHaveCount(0);
  const touchedAt = await viewer.evaluate(() => performance.now());
  // The reader touches the page: pdf.js arrives. The picture is as sharp as its canvas would
  // be, so it stays, and pdf.js adds the text layer; zooming past the picture draws the page.
  await viewer.locator('[data-pdf-scroller]').tap();
  await expectPdfPainted(viewer);
  const timing = await viewer.evaluate(() => ({
    loaded: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
      .loadEventEnd,
    pdfjs: performance
      .getEntriesByType('resource')
      .filter((r) => /\/pdf\.min\.[^/]*\.mjs$/.test(r.name))
      .map((r) => r.startTime)
  }));
  expect(timing.pdfjs.length).toBeGreaterThan(0);
  expect(['pointerdown', 'touchstart', 'idle']).toContain(await pdfjsStartReason(viewer));
  expect(Math.min(...timing.pdfjs)).toBeGreaterThanOrEqual(
    Math.min(touchedAt, timing.loaded + 2900)
  );
  await expect(viewer.locator('[data-page="1"] .textLayer')).toContainText(/page 1 of 2/i);
  await expect(viewer.locator('[data-page="1"] img')).toBeVisible();
  await expect(viewer.locator('[data-page="1"] canvas')).toHaveCount(0);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.locator('[data-page="1"] canvas')).toBeVisible();
  await expect(viewer.locator('[data-page="1"] img')).toBeHidden();
  // Nothing on the page was refused by the CSP (no inline handlers, no stray scripts).
  expect(refused).toEqual([]);
  // A reader who does nothing (someone listening with a screen reader, say) still gets the text
  // layer: pdf.js starts by itself once the page has been idle for a few seconds.
  const idle = await context.newPage();
  await idle.goto(viewer.url());
  await expectPagePicture(idle);
  await expectPdfPainted(idle);
  expect(await pdfjsStartReason(idle)).toBe('idle');
  await expect(idle.locator('[data-page="1"] .textLayer')).toContainText(/page 1 of 2/i);
  await context.close();
}
