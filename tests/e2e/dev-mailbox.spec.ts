import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

// The e2e server has no Postmark token, so mail goes to the dev mailbox; journeys read it with
// waitForMail() from tests/support/mailbox.ts.
test('the dev mailbox is open on this machine, labelled and accessible', async ({
  page,
  request
}) => {
  // The e2e server trusts x-forwarded-for (ADDRESS_HEADER); the mailbox answers loopback only.
  const local = { 'x-forwarded-for': '127.0.0.1' };
  const json = await request.get('/dev/mailbox.json', { headers: local });
  expect(json.status()).toBe(200);
  expect(Array.isArray(await json.json())).toBe(true);

  await page.setExtraHTTPHeaders(local);
  await page.goto('/dev/mailbox');
  await expect(page.getByRole('heading', { level: 1, name: 'Dev mailbox' })).toBeVisible();
  const recipient = page.getByLabel('Recipient');
  await recipient.fill('nobody@example.test');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/to=nobody%40example\.test/);
  await expect(page.getByRole('heading', { name: 'No mail yet' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});
