import { expect, test } from '@playwright/test';
import { codeOf, OWNER, linkPathOf, signInByEmail, useOwnIp, waitForMail } from './support/auth';

// The firm and its owner come from first-run.setup.ts; these journeys run on the phone only.
test.describe.configure({ mode: 'serial' });
test.skip(({ isMobile }) => !isMobile, 'phone journey');

const owner = OWNER;

test('owner signs in on another phone by typing the code', async ({ page, browser, baseURL }) => {
  await useOwnIp(page);
  const since = Date.now();
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(owner.email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  const mail = await waitForMail(page.request, owner.email, since);
  await page.getByLabel('6-digit code').fill('000000' === codeOf(mail) ? '000001' : '000000');
  await page.getByRole('button', { name: 'Sign in with code' }).click();
  await expect(page.getByRole('alert')).toContainText("That code isn't right");
  await page.getByLabel('6-digit code').fill(codeOf(mail));
  await page.getByRole('button', { name: 'Sign in with code' }).click();
  await expect(page).toHaveURL(/\/firm$/);

  // The link from the same mail is now used up: this phone, signed in, goes straight on; a
  // browser without that session is told so.
  await page.goto(linkPathOf(mail));
  await expect(page).toHaveURL(/\/firm$/);
  const other = await browser.newContext({ baseURL });
  const fresh = await other.newPage();
  await fresh.goto(linkPathOf(mail));
  await expect(fresh.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await other.close();
});

test('signInByEmail signs a page in; the account page lists the device and signs out', async ({
  page
}) => {
  test.setTimeout(120_000); // the previous test used this address's one mail a minute
  await signInByEmail(page, owner.email);
  await page.goto('/account');
  // The device list, where this session is marked (the notifications card, once the page has
  // hydrated, says "This device" too, about this browser's push setting).
  const devices = page
    .getByRole('list')
    .filter({ has: page.getByRole('button', { name: /^Sign out / }) });
  await expect(devices.getByText('This device', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: /^Sign out everywhere/ }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.goto('/firm'))?.url()).toContain('/sign-in?next=%2Ffirm');
});
