// Issue 21 on a phone: a contact says something is wrong with a reason; the packet reads
// Declined on both sides, the client's responsible staff member (the owner, who created the
// client) is mailed the reason, and staff read who declined, when and why. The contact can still
// approve afterwards, which supersedes the decline.
import { expect, test } from '@playwright/test';
import { waitForMail } from './support/auth';
import { expectNoViolations } from './support/axe';
import { uniqueTag } from './support/firm';
import { openAsContact, OWNER, publishPacket } from './support/offline';
import { expectPhoneLayout } from './support/phone';

test('a contact declines with a reason; staff see Declined and the reason', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone journey');
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  const tag = uniqueTag(testInfo.project.name);
  const published = await publishPacket(staff, baseURL!, tag);
  await openAsContact(page, published);
  const chip = page.locator('.period .badge');
  await expect(chip).toHaveText('Waiting for approval');

  // The sheet: a labelled box and the consent line; Cancel changes nothing.
  await page.getByRole('button', { name: 'Something is wrong' }).click();
  const sheet = page.getByRole('dialog', { name: 'Something is wrong?' });
  await expect(sheet).toContainText('I have reviewed these 2 documents and cannot approve them.');
  await expectPhoneLayout(page);
  await expectNoViolations(page, 'the decline sheet');
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await expect(sheet).toBeHidden();

  const reason = `The VAT on page 2 of the profit and loss is wrong (${testInfo.project.name}).`;
  const since = Date.now();
  await page.getByRole('button', { name: 'Something is wrong' }).click();
  await sheet.getByLabel('What is wrong?').fill(reason);
  await sheet.getByRole('button', { name: 'Send to my accountant' }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByText(/^You said something is wrong on .+ has been told\.$/)).toContainText(
    reason
  );
  await expect(chip).toHaveText('Declined');
  await expect(page.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();

  // The owner is responsible for the client: the alert names the contact and quotes the reason.
  const mail = await waitForMail(page.request, OWNER, since, 20_000, /^Declined by Harbour/);
  expect(mail.text).toContain('Casey Baker');
  expect(mail.text).toContain(`“${reason}”`);

  // Staff: Declined in the header, and who, when and why.
  await staff.setViewportSize({ width: 390, height: 844 });
  await staff.goto(`/firm/packets/${published.packetId}`);
  await expect(staff.locator('.sub')).toContainText('Declined');
  const declines = staff.locator('#declines');
  await expect(declines).toContainText('Casey Baker');
  await expect(declines).toContainText(reason);
  await expectPhoneLayout(staff);
  // The dashboard's Needs reply lists it, linking to the reason.
  await staff.goto('/firm');
  const waiting = staff.getByRole('list', { name: 'Declined packets' });
  await expect(waiting).toContainText(reason);
  await expectPhoneLayout(staff);
  await waiting.getByRole('link').filter({ hasText: reason }).click();
  await expect(staff).toHaveURL(new RegExp(`/firm/packets/${published.packetId}#declines$`));
  await staff.goto('/firm?status=declined');
  await expect(staff.getByText(`Harbour Bakery ${tag}`).first()).toBeVisible();
  await expect(staff.locator('main .badge', { hasText: 'Declined' })).toBeVisible();

  // Approving later supersedes the decline.
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Approve this packet?' })
    .getByRole('button', { name: 'Approve', exact: true })
    .click();
  await expect(page.getByText(/You approved this packet/)).toBeVisible();
  await expect(chip).toHaveText('Approved');
  await expect(page.getByText(/^You said something is wrong on/)).toHaveCount(0);
  await staff.goto(`/firm/packets/${published.packetId}`);
  await expect(staff.locator('.sub')).toContainText('Approved');
  await expect(staff.locator('#declines')).toContainText('decided again since');
  await staff.close();
});
