// Staff export the audit log on a phone: Settings → Audit log, a range refused with a message,
// then a CSV download that holds their own sign-in, neutralised and in the firm's words.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { signInAsOwner } from './support/auth';
import { expectNoViolations } from './support/axe';

test('owner downloads the audit log as CSV from Settings', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await signInAsOwner(page, baseURL!);
  await page.goto('/firm/settings');
  await page.getByRole('link', { name: 'Export the audit log' }).click();
  await expect(page).toHaveURL(/\/firm\/audit$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expectNoViolations(page, '/firm/audit');

  // The last 30 days are filled in; To before From is refused with a message.
  const from = page.getByLabel('From');
  const to = page.getByLabel('To', { exact: true });
  await expect(to).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  const today = await to.inputValue();
  await from.fill(today);
  await to.fill('2020-01-01');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  await expect(page.getByText('To must be on or after From.')).toBeVisible();
  await expectNoViolations(page, '/firm/audit (refused)');

  // From the start of last year: within the 5 years one export covers.
  const start = `${Number(today.slice(0, 4)) - 1}-01-01`;
  await page.getByLabel('From').fill(start);
  await page.getByLabel('To', { exact: true }).fill(today);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(
    new RegExp(`^sheaf-audit-[a-z0-9-]+-${start}-${today}\\.csv$`)
  );
  const bytes = readFileSync((await file.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.split('\r\n')[0]).toMatch(
    /^Time \(UTC\),Time in the firm's zone \([^)]+\),Action,Description,Who/
  );
  expect(text).toContain(',auth.session_started,Signed in,');
  // The page stays where it was.
  await expect(page).toHaveURL(/\/firm\/audit$/);
});
