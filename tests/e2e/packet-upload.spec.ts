// Staff add a packet's PDFs by dropping them on the drop zone: a progress bar per file while
// they upload (one at a time, in the order dropped), then reorder and remove while the packet is
// a draft, each change still there after a reload; a file the server refuses gets a message
// naming it, and the packet is left as it was.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signInAsOwner } from './support/auth';
import { dropFiles } from './support/drop';
import { addClient, uniqueTag } from './support/firm';
import { makeTestPdf } from './support/offline';
import { displayNameOf } from '../../src/lib/format/names';

const fixtures = path.resolve('tests/fixtures');
const pdfFile = async (name: string, pages: number) => ({
  name,
  mimeType: 'application/pdf',
  buffer: await makeTestPdf(name, pages)
});

/** Nothing on the page is wider than the window (a long filename must not widen it). */
async function expectNoSideways(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  expect(overflow, 'the page scrolls sideways').toBe(0);
}

/** The packet's documents in their order, as the list shows them. */
async function documentOrder(page: Page): Promise<string[]> {
  const labels = await page
    .getByRole('button', { name: /^Move .+ up$/ })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Move (.+) up$/, '$1'));
}

test('drop PDFs with a progress bar each, reorder, remove a draft document, refuse bad files', async ({
  page,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  await addClient(page, { name: `Upload Bakery ${tag}`, code: `UP-${tag}`.slice(0, 20) }, []);
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = page.url().split('/').pop()!;
  const dropZone = page.getByRole('group', { name: 'Add PDFs' });

  // Hold the uploads at the server's door so the list can be seen mid-upload.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const uploads = `**/firm/packets/${packetId}/documents`;
  await page.route(uploads, async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });

  const long = 'Payroll summary for the quarter ended 30 September 2026, all employees.pdf';
  // The staff list shows display names: the file name without its extension.
  const longName = displayNameOf(long);
  const files = [
    await pdfFile('Bank statements.pdf', 3),
    await pdfFile('Profit and loss.pdf', 2),
    await pdfFile(long, 1)
  ];
  await dropFiles(dropZone, files);
  const list = page.getByRole('list', { name: 'Uploads' });
  for (const f of files) {
    await expect(list.getByRole('progressbar', { name: `Uploading ${f.name}` })).toBeVisible();
  }
  // One at a time, in the order dropped: the first is on its way, the others wait.
  const row = (name: string) => list.getByRole('listitem').filter({ hasText: name });
  await expect(row('Bank statements.pdf')).toContainText(/\d+%/);
  await expect(row('Profit and loss.pdf')).toContainText('waiting');
  await expect(row(long)).toContainText('waiting');
  await expect(dropZone).not.toHaveClass(/dragging/);
  await expectNoSideways(page);
  release();

  await expect
    .poll(() => documentOrder(page), { timeout: 30_000 })
    .toEqual(files.map((f) => displayNameOf(f.name)));
  await expect(page.getByText(/ · 3 pages · /).first()).toBeVisible();
  await expectNoSideways(page);
  // Finished uploads leave the list.
  await expect(list).toBeHidden({ timeout: 10_000 });
  await page.unroute(uploads);

  // Reorder: the first goes down, the last goes up; the order is stored, not just shown.
  await expect(page.getByRole('button', { name: 'Move Bank statements up' })).toBeDisabled();
  await expect(page.getByRole('button', { name: `Move ${longName} down` })).toBeDisabled();
  await page.getByRole('button', { name: 'Move Bank statements down' }).click();
  await expect
    .poll(() => documentOrder(page))
    .toEqual(['Profit and loss', 'Bank statements', longName]);
  await page.getByRole('button', { name: `Move ${longName} up` }).click();
  await expect
    .poll(() => documentOrder(page))
    .toEqual(['Profit and loss', longName, 'Bank statements']);
  await page.reload();
  expect(await documentOrder(page)).toEqual(['Profit and loss', longName, 'Bank statements']);

  // Remove a document while the packet is a draft: gone from the list and from the server.
  const payrollHref = await page
    .getByRole('link', { name: longName, exact: true })
    .getAttribute('href');
  await page.getByRole('button', { name: `Remove ${longName}` }).click();
  await expect.poll(() => documentOrder(page)).toEqual(['Profit and loss', 'Bank statements']);
  await page.reload();
  expect(await documentOrder(page)).toEqual(['Profit and loss', 'Bank statements']);
  expect((await page.request.get(payrollHref!)).status()).toBe(404);

  // Files the server refuses: a picture renamed .pdf, a cut-off PDF, a password-protected one.
  const whole = await makeTestPdf('Ledger', 4);
  const refused = [
    {
      name: 'Receipt photo.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync(path.join(fixtures, 'image-renamed.pdf'))
    },
    {
      name: 'Ledger cut off.pdf',
      mimeType: 'application/pdf',
      buffer: whole.subarray(0, Math.floor(whole.length / 2))
    },
    {
      name: 'Locked payroll.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync(path.join(fixtures, 'encrypted.pdf'))
    }
  ];
  await dropFiles(dropZone, refused);
  const alerts = list.getByRole('alert');
  await expect(alerts).toHaveCount(3, { timeout: 30_000 });
  await expect(alerts.nth(0)).toHaveText(/^"Receipt photo\.pdf" is not a PDF/);
  await expect(alerts.nth(1)).toHaveText(/^"Ledger cut off\.pdf" is damaged or incomplete/);
  await expect(alerts.nth(2)).toHaveText(/^"Locked payroll\.pdf" is password-protected/);
  for (const f of refused) await expect(row(f.name)).toContainText('not added');
  await expectNoSideways(page);
  expect(await documentOrder(page)).toEqual(['Profit and loss', 'Bank statements']);
  await page.getByRole('button', { name: 'Dismiss errors' }).click();
  await expect(list).toBeHidden();
  await page.reload();
  expect(await documentOrder(page)).toEqual(['Profit and loss', 'Bank statements']);
  await expect(page.getByText(/Receipt photo|Ledger cut off|Locked payroll/)).toHaveCount(0);

  // A connection that goes quiet (the server never hears the end of it): the upload gives up
  // and says so, rather than a progress bar stuck for ever, and the packet is as it was.
  await page.clock.install();
  await page.reload();
  await page.route(uploads, () => {});
  await dropFiles(dropZone, [await pdfFile('Quiet connection.pdf', 1)]);
  await expect(row('Quiet connection.pdf')).toBeVisible();
  await page.clock.fastForward('04:00');
  await expect(alerts).toHaveText([
    /^"Quiet connection\.pdf": the connection stalled\. Try again\.$/
  ]);
  await expect(row('Quiet connection.pdf')).toContainText('not added');
  await page.unroute(uploads);
  await page.reload();
  expect(await documentOrder(page)).toEqual(['Profit and loss', 'Bank statements']);
});
