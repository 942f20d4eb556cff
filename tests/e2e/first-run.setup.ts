import { expect, test } from '@playwright/test';
import { completeSetup, findSetupUrl, linkPathOf, OWNER, waitForMail } from './support/auth';

// The "first-run" project runs this before every other spec (playwright.config.ts), on a phone,
// against the fresh server: the one-time setup link creates the firm and its owner.
test('setup link -> firm created -> owner signs in by the mailed link -> /firm', async ({
  page,
  baseURL
}) => {
  const setupUrl = findSetupUrl(baseURL!);
  expect(setupUrl, 'the fresh e2e server printed a setup link').toBeTruthy();
  const since = Date.now();
  await completeSetup(page, setupUrl!, OWNER);
  await expect(page.getByText('We sent a sign-in link to a•••@smith.example')).toBeVisible();
  await expect(page.getByRole('link', { name: 'dev mailbox' })).toBeVisible();

  const mail = await waitForMail(page.request, OWNER.email, since);
  await page.goto(linkPathOf(mail));
  await expect(page.getByRole('heading', { name: 'Continue as a•••@smith.example' })).toBeVisible();
  await expect(page.getByText('Smith & Co').first()).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/firm$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Smith & Co');

  // The setup page is gone for good.
  expect((await page.goto(setupUrl!))?.status()).toBe(404);
});
