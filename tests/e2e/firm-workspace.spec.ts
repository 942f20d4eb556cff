// The quarterly journey for staff: a client with two contacts, a packet with two real PDFs,
// publish, both mails in the dev mailbox, a contact taps the link and approves, and staff see
// delivered, opened and approved.
import { expect, test } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as auth from './support/auth';
import { confirmPublish } from './support/firm';
import { expectPhoneLayout, newPhoneContext } from './support/phone';

async function pdf(title: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    doc.addPage([612, 792]).drawText(`${title} — page ${i}`, { x: 56, y: 720, size: 18, font });
  }
  return Buffer.from(await doc.save());
}

test('staff publish a packet to two contacts and see it delivered, opened and approved', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  await auth.signInAsOwner(page, baseURL!);

  // A client with two contacts.
  const tag = `${testInfo.project.name}-${Date.now().toString(36)}`;
  const code = `HRB${Date.now().toString(36).toUpperCase()}`;
  await page.goto('/firm/clients');
  await page.getByLabel('Name', { exact: true }).fill(`Harbour Café ${tag}`);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Harbour Café');
  const emails = [`hana-${tag}@harbour.example`, `omar-${tag}@harbour.example`];
  for (const [i, email] of emails.entries()) {
    await page.getByLabel('Email').fill(email);
    await page
      .getByLabel('Name', { exact: true })
      .first()
      .fill(i ? 'Omar Owner' : 'Hana Harbour');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect(page.getByText(email, { exact: true })).toBeVisible();
  }

  // A packet with two real PDFs.
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = page.url().split('/').pop()!;
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'Bank statements.pdf', mimeType: 'application/pdf', buffer: await pdf('Bank', 3) },
    { name: 'Profit and loss.pdf', mimeType: 'application/pdf', buffer: await pdf('P&L', 2) }
  ]);
  await expect(page.getByRole('link', { name: 'Bank statements' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Profit and loss' })).toBeVisible();
  // Beside the file name: "Bank statements.pdf · 3 pages · 1 KB".
  await expect(page.getByText(/ · 3 pages · /).first()).toBeVisible();

  // Preview, then publish: two mails in the dev mailbox.
  await page.getByRole('button', { name: 'Preview the email' }).click();
  await expect(page.getByRole('dialog', { name: 'Email preview' })).toContainText('Subject:');
  await page.getByRole('button', { name: 'Close' }).click();
  const since = Date.now();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await confirmPublish(page, 2);
  await expect(page.getByRole('main').getByText(/Published — 2 emails on the way/)).toBeVisible();
  const mails = await Promise.all(
    emails.map((e) => auth.waitForMail(page.request, e, since, 15_000, /ready to review/))
  );
  expect(mails).toHaveLength(2);

  // A contact taps the link on their phone (whichever device staff use) and approves.
  const contact = await newPhoneContext(browser);
  const phone = await contact.newPage();
  await auth.useOwnIp(phone);
  await auth.openLinkAndContinue(phone, auth.linkPathOf(mails[0]));
  await expect(phone).toHaveURL(new RegExp(`/p/${packetId}`));
  await expectPhoneLayout(phone);
  await expect(phone.getByRole('link', { name: /^Bank statements/ })).toBeVisible();
  const approve = phone.getByRole('button', { name: 'Approve', exact: true });
  await approve.scrollIntoViewIfNeeded();
  const box = await approve.boundingBox();
  expect(box!.height, 'a touch target of at least 44 px').toBeGreaterThanOrEqual(44);
  await approve.tap();
  const sheet = phone.getByRole('dialog');
  await sheet.getByRole('button', { name: 'Approve', exact: true }).tap();
  await expect(phone.getByText(/You approved this packet/)).toBeVisible();
  await contact.close();

  // Staff see delivered, opened and approved for that contact.
  await expect(async () => {
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: emails[0] });
    await expect(row).toContainText('delivered');
    // Opened: one time, or first and last when they read differently.
    await expect(row.locator('[data-label="Opened"]')).toContainText(
      /^\s*(first )?\d{1,2} \w{3}, \d\d:\d\d/
    );
    await expect(row).toContainText('approved');
  }).toPass({ timeout: 30_000 });
});
