// Staff alerts (issue 18): a contact asks a question on a phone; the client's responsible staff
// member (whoever created the client: here the owner) gets the alert mail at once, opens its
// link on a signed-out phone, lands on the question in the thread, and replies; the contact
// sees the reply.
import { expect, test } from '@playwright/test';
import { linkPathOf, useOwnIp, waitForMail } from './support/auth';
import { uniqueTag } from './support/firm';
import { openAsContact, OWNER, publishPacket } from './support/offline';
import { expectPhoneLayout, newPhoneContext } from './support/phone';

test('a question reaches the staff mailbox; the staff member replies from its link', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  const published = await publishPacket(staff, baseURL!, uniqueTag(testInfo.project.name));
  await staff.close();
  await openAsContact(page, published);
  // As the contact sees it (and the alert names it): the published title.
  const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();

  const question = `Is the rent on page 2 for March? (${testInfo.project.name})`;
  const since = Date.now();
  await page.getByLabel('Ask your accountant').fill(question);
  await page.getByRole('button', { name: 'Send question' }).click();
  await expect(page.getByText('Question sent.').first()).toBeVisible();

  const mail = await waitForMail(page.request, OWNER, since, 20_000, /^Question from Harbour/);
  expect(mail.text).toContain(`“${question}”`);
  expect(mail.text).toContain(title);

  // The staff member's own phone, signed out: the link signs them in on the question.
  const phone = await newPhoneContext(browser);
  const staffPhone = await phone.newPage();
  await useOwnIp(staffPhone);
  await staffPhone.goto(linkPathOf(mail));
  await expect(staffPhone.getByText(title)).toBeVisible();
  await staffPhone.getByRole('button', { name: /^Continue/ }).click();
  await expect(staffPhone).toHaveURL(
    new RegExp(`/firm/packets/${published.packetId}#q-[0-9a-f-]{36}$`)
  );
  const anchor = new URL(staffPhone.url()).hash.slice(1);
  const asked = staffPhone.locator(`[id="${anchor}"]`);
  await expect(asked).toContainText(question);
  await expect(asked).toBeInViewport();
  await expectPhoneLayout(staffPhone);

  const answer = `Yes, March rent, paid in April (${testInfo.project.name}).`;
  await staffPhone.getByLabel('Reply to the client').fill(answer);
  await staffPhone.getByRole('button', { name: 'Send reply' }).click();
  await expect(staffPhone.getByText(answer)).toBeVisible();
  await phone.close();

  await page.reload();
  await expect(page.locator('.qa').getByText(answer)).toBeVisible();
});
