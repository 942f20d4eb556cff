import { expect, test } from '@playwright/test';
import { completeSetup, findSetupUrl, OWNER } from './support/auth';
import { expectNoViolations } from './support/axe';

// The "first-run" project runs this before every other spec (playwright.config.ts), on a phone,
// against the fresh server: the one-time setup link creates the firm and its owner, who is then
// signed in (completeSetup keeps the session for the specs that sign in as the owner).
test('setup link -> firm created -> owner signed in on the empty dashboard', async ({
  page,
  baseURL
}) => {
  const setupUrl = findSetupUrl(baseURL!);
  expect(setupUrl, 'the fresh e2e server printed a setup link').toBeTruthy();
  await page.goto(setupUrl!);
  await expectNoViolations(page, '/setup');
  await completeSetup(page, setupUrl!, OWNER);
  await expect(page).toHaveURL(/\/firm$/);
  await expect(page.getByRole('banner')).toContainText('Smith & Co');
  // The first thing to do, once, with no "everyone has opened" about packets never sent.
  await expect(page.getByRole('heading', { name: 'No packets yet' })).toBeVisible();
  await expect(
    page.getByRole('main').getByRole('link', { name: 'Add your first client' })
  ).toHaveCount(1);
  await expect(page.getByRole('main').getByRole('link', { name: 'New packet' })).toHaveCount(0);
  await expect(page.getByText('Everyone has opened their latest packet')).toHaveCount(0);
  await expectNoViolations(page, '/firm (no packets yet)');

  // The setup page is gone for good, even for the signed-in owner.
  expect((await page.goto(setupUrl!))?.status()).toBe(404);
  await page.goto('/firm');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});
