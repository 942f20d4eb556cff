// Issue 19, "Names", on phones: staff choose the period from the list, upload a PDF with a file
// name only a scanner would choose, rename it on the packet page; the contact sees the new name
// at once (no publish), in the list and the viewer, while the download keeps the file's name.
// SHEAF_SCREENSHOTS_DIR=<dir> also saves these pages at 390×844 and 1280×800, light and dark.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  linkPathOf,
  openLinkAndContinue,
  signInAsOwner,
  useOwnIp,
  waitForMail
} from './support/auth';
import { addClient, confirmPublish, uniqueTag } from './support/firm';
import { makeTestPdf } from './support/offline';
import { newPhoneContext } from './support/phone';
import { displayNameOf } from '../../src/lib/format/names';
import { periodLabel } from '../../src/lib/format/periods';

async function expectNoViolations(page: Page, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).analyze();
    const found = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' '))}`
    );
    expect(found, `axe on ${name} (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const shots = process.env.SHEAF_SCREENSHOTS_DIR;

/** When asked for: this page at 390 and 1280 wide (same session), light and dark, full page. */
async function shoot(page: Page, name: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  const original = page.viewportSize()!;
  for (const width of [390, 1280]) {
    await page.setViewportSize(width === 390 ? original : { width: 1280, height: 800 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({
        path: path.join(shots, `${name}-${width}-${scheme}.png`),
        fullPage: true
      });
    }
  }
  await page.setViewportSize(original);
  await page.emulateMedia({ colorScheme: 'light' });
}

test('staff pick a period and rename a document; the contact sees the name, the download keeps the file', async ({
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const staffContext = await newPhoneContext(browser);
  const staff = await staffContext.newPage();
  await signInAsOwner(staff, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const email = `nadia-${tag}@names.example`;
  await addClient(staff, { name: `Names Ltd ${tag}`, code: `NM${tag}`.slice(0, 40) }, [
    { name: 'Nadia Names', email }
  ]);

  // The period is a list: quarters, months and financial years; a month is chosen.
  await staff.getByRole('link', { name: 'New packet' }).last().click();
  await expectNoViolations(staff, '/firm/packets/new');
  await shoot(staff, 'names-new-packet');
  const period = staff.getByLabel('Period');
  await expect(period).toHaveJSProperty('tagName', 'SELECT');
  const groups = await period
    .locator('optgroup')
    .evaluateAll((gs) => gs.map((g) => g.getAttribute('label')));
  expect(groups).toEqual(['Quarters', 'Months', 'Financial years']);
  // The default is a quarter (the last completed one).
  expect(await period.inputValue()).toMatch(/^\d{4}-Q[1-4]$/);
  const month = await period
    .locator('optgroup[label="Months"] option')
    .nth(1)
    .getAttribute('value');
  await period.selectOption(month!);
  await staff.getByLabel('Title').fill('Payroll review');
  await staff.getByRole('button', { name: 'Create packet and add PDFs' }).press('Enter');
  await expect(staff).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = staff.url().split('/').pop()!;
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText(
    `${periodLabel(month!)} · Payroll review`
  );

  // A scanner's file name: shown as a readable name, with the file name beside it.
  const filename = `bank_stmt-${tag}.pdf`;
  const shown = displayNameOf(filename);
  await staff
    .getByLabel('Choose files')
    .setInputFiles([
      { name: filename, mimeType: 'application/pdf', buffer: await makeTestPdf('Bank', 2) }
    ]);
  const rowOf = (name: string) =>
    staff.getByRole('listitem').filter({ has: staff.getByRole('link', { name, exact: true }) });
  await expect(rowOf(shown).getByText(filename, { exact: true })).toBeVisible();
  const since = Date.now();
  await staff.getByRole('button', { name: 'Publish', exact: true }).click();
  await confirmPublish(staff, 1);
  await expect(staff.getByText(/Published — 1 email/).first()).toBeVisible();

  // The contact opens the packet on a phone.
  const mail = await waitForMail(staff.request, email, since, 15_000, /ready to review/);
  const contactContext = await newPhoneContext(browser);
  const phone = await contactContext.newPage();
  await useOwnIp(phone);
  await openLinkAndContinue(phone, linkPathOf(mail));
  await expect(phone).toHaveURL(new RegExp(`/p/${packetId}`));
  await expect(phone.getByRole('link', { name: new RegExp(`^${shown}`) })).toBeVisible();

  // Staff rename it: a refused name says why, then a good one is saved.
  await staff.getByRole('button', { name: `Rename ${shown}` }).click();
  const field = staff.getByLabel('Name contacts see');
  await expect(field).toBeFocused();
  await expect(staff.getByText('A label only: contacts see it at once.')).toBeVisible();
  await expectNoViolations(staff, 'packet page, renaming');
  await shoot(staff, 'names-renaming');
  // Spaces pass the browser's `required`; the server trims and refuses, and the field says why.
  await field.fill('   ');
  await staff.getByRole('button', { name: 'Save name' }).click();
  await expect(staff.getByRole('alert').filter({ hasText: 'Enter a name.' })).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await field.fill('Bank statement, September');
  await staff.getByRole('button', { name: 'Save name' }).click();
  await expect(staff.getByText('Renamed to “Bank statement, September”.')).toBeVisible();
  await expect(field).toBeHidden();
  await expect(
    rowOf('Bank statement, September').getByText(filename, { exact: true })
  ).toBeVisible();
  await expect(
    staff.getByRole('button', { name: 'Rename Bank statement, September' })
  ).toBeFocused();
  // A label, not content: nothing to publish.
  await expect(staff.getByRole('button', { name: /^Publish update/ })).toBeDisabled();
  await shoot(staff, 'names-staff-packet');

  // The contact sees the new name at once: the list, the viewer's title and app bar.
  await phone.reload();
  const open = phone.getByRole('link', { name: /^Bank statement, September/ });
  await expect(open).toBeVisible();
  await expect(phone.getByText(shown)).toHaveCount(0);
  await shoot(phone, 'names-client-packet');
  await open.click();
  await expect(phone).toHaveURL(/\/d\//);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Bank statement, September');
  await expect(phone).toHaveTitle(/^Bank statement, September · Payroll review/);
  await shoot(phone, 'names-viewer');
  // The download keeps the file's own name.
  const [download] = await Promise.all([
    phone.waitForEvent('download'),
    phone.getByRole('link', { name: 'Download Bank statement, September' }).click()
  ]);
  expect(download.suggestedFilename()).toBe(filename);
  await staffContext.close();
  await contactContext.close();
});
