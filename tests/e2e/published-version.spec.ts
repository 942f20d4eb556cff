// Contacts see the published version only, and a decision names the version on screen: staff
// stage an upload and a new title (the contact sees neither), publish it while the contact's page
// is open (their tap on Approve is refused and the page says what changed), and an approval
// queued offline for an older version is refused on reconnect, not recorded on the new one.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { confirmPublish, uniqueTag } from './support/firm';
import { makeTestPdf, openAsContact, publishPacket } from './support/offline';
import { approveAndConfirm } from './support/approve';

/** Staff (on their own page) publish a packet to a new contact, whose phone opens it. */
async function publishedToPhone(browser: Browser, page: Page, baseURL: string, project: string) {
  const staff = await browser.newPage();
  const published = await publishPacket(staff, baseURL, uniqueTag(project));
  await openAsContact(page, published);
  return { staff, published };
}

/** Staff upload a file and retitle the packet, without publishing. */
async function stageChanges(staff: Page, upload: string, title: string) {
  await staff
    .getByLabel('Choose files')
    .setInputFiles([
      { name: upload, mimeType: 'application/pdf', buffer: await makeTestPdf(upload, 2) }
    ]);
  await expect(staff.getByRole('link', { name: upload.replace(/\.pdf$/, '') })).toBeVisible();
  await staff.getByRole('button', { name: 'Edit', exact: true }).click();
  await staff.getByLabel('Title').fill(title);
  await staff.getByRole('button', { name: 'Save details' }).click();
  await expect(staff.getByRole('heading', { name: 'Unpublished changes' })).toBeVisible();
  await expect(staff.getByText(`Adds ${upload.replace(/\.pdf$/, '')}`)).toBeVisible();
  await expect(staff.getByText('Edited title')).toBeVisible();
}

test('staged edits stay staff-only; approving an older version says what changed', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const { staff } = await publishedToPhone(browser, page, baseURL!, testInfo.project.name);
  const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();

  await stageChanges(staff, 'Payroll draft.pdf', 'Q3 2026 review, revised');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('Payroll draft')).toHaveCount(0);

  await staff.getByRole('button', { name: 'Publish update (v2)' }).click();
  await confirmPublish(staff, 1);
  await expect(staff.getByText(/Updated — 1 email/).first()).toBeVisible();

  // The contact's page still shows version 1: Approve is refused, and the page catches up.
  await approveAndConfirm(page);
  const changed = page.getByRole('alert').filter({ hasText: 'updated since you opened it' });
  await expect(changed).toContainText('Added Payroll draft');
  await expect(changed).toContainText('Changed the title');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Q3 2026 review, revised');
  await expect(page.getByRole('link', { name: /^Payroll draft/ })).toBeVisible();
  await approveAndConfirm(page);
  await expect(page.getByText(/You approved this packet/)).toBeVisible();
  await staff.reload();
  await expect(staff.getByText('approved', { exact: true }).first()).toBeVisible();
});

test('an approval queued offline for an older version is refused on reconnect', async ({
  page,
  context,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const { staff } = await publishedToPhone(browser, page, baseURL!, testInfo.project.name);

  await context.setOffline(true);
  await approveAndConfirm(page);
  await expect(page.locator('[data-pending]')).toContainText('Your approval');

  await stageChanges(staff, 'Late invoice.pdf', 'Q3 2026 review, with the late invoice');
  await staff.getByRole('button', { name: 'Publish update (v2)' }).click();
  await confirmPublish(staff, 1);
  await expect(staff.getByText(/Updated — 1 email/).first()).toBeVisible();

  await context.setOffline(false);
  await expect(
    page.getByText(/Your approval could not be sent: This packet was updated since you opened it/)
  ).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('[data-pending]')).toHaveCount(0);
  await expect(page.getByRole('link', { name: /^Late invoice/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toBeEnabled();
  await staff.reload();
  await expect(staff.getByText('approved', { exact: true })).toHaveCount(0);
});

test('a question from the viewer on an older version comes back to the packet with its text', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const { staff, published } = await publishedToPhone(
    browser,
    page,
    baseURL!,
    testInfo.project.name
  );
  await page.getByRole('link', { name: /^Profit and loss/ }).click();
  await expect(page.getByRole('button', { name: 'Ask about this page' })).toBeVisible();

  await stageChanges(staff, 'Year end adjustments.pdf', 'Q3 2026 review, adjusted');
  await staff.getByRole('button', { name: 'Publish update (v2)' }).click();
  await confirmPublish(staff, 1);
  await expect(staff.getByText(/Updated — 1 email/).first()).toBeVisible();

  await page.getByRole('button', { name: 'Ask about this page' }).click();
  const question = 'Is the rent on page 1 for March?';
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Send question' }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${published.packetId}\\?since=1`));
  const changed = page.getByRole('alert').filter({ hasText: 'updated since you opened it' });
  await expect(changed).toContainText('Added Year end adjustments');
  await expect(page.getByLabel('Ask your accountant')).toHaveValue(question);
  await page.getByRole('button', { name: 'Send question' }).click();
  await expect(page.getByText('Question sent.').first()).toBeVisible();
  await expect(page.locator('.qa').getByText(question)).toBeVisible();
});
