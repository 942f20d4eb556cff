// A contact taps the same mailed link twice on their phone and lands on the packet both times;
// the same link opened in a browser without their session says it was already used, and its one
// tap mails a fresh link that works (issue 18, re-tapped links).
import { expect, test } from '@playwright/test';
import { linkPathOf, openLink, openLinkAndContinue, useOwnIp, waitForMail } from './support/auth';
import { uniqueTag } from './support/firm';
import { publishPacket } from './support/offline';
import { expectPhoneLayout, PHONE } from './support/phone';

test.skip(({ isMobile }) => !isMobile, 'phone journey');

test('the same mailed link, tapped twice, lands on the packet both times', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  const published = await publishPacket(staff, baseURL!, uniqueTag(testInfo.project.name));
  const onPacket = new RegExp(`/p/${published.packetId}$`);

  await useOwnIp(page);
  await openLinkAndContinue(page, published.linkPath);
  await expect(page).toHaveURL(onPacket);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toBeVisible();
  const title = (await heading.textContent())!.trim();

  // Later, from the same mail on the same phone: straight to the packet, no Continue.
  await page.goto('/p');
  await page.goto(published.linkPath);
  await expect(page).toHaveURL(onPacket);
  await expect(heading).toHaveText(title);

  // The same link in a browser without the contact's session (a laptop, a forwarded mail).
  const laptop = await browser.newContext({ ...PHONE, baseURL });
  const other = await laptop.newPage();
  await useOwnIp(other);
  await other.goto(published.linkPath);
  await expect(other.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await expect(other).toHaveTitle('This link was already used · Sheaf');
  await expect(other.getByText(published.contactEmail)).toHaveCount(0);
  await expectPhoneLayout(other);
  const since = Date.now();
  await other.getByRole('button', { name: 'Email me a new link' }).click();
  await expect(other.getByRole('heading', { name: 'Check your email' })).toBeVisible();

  // The fresh link goes to the contact's own address, says until when, and opens the packet.
  const mail = await waitForMail(staff.request, published.contactEmail, since, 15_000, /^New link/);
  expect(mail.text).toMatch(/This link works until \w{3} \d{1,2} \w{3,4} \d{4}\./);
  await openLink(other, linkPathOf(mail));
  await expect(other).toHaveURL(onPacket);
  await laptop.close();
  await staff.close();
});
