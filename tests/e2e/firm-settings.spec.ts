// The owner sets the firm up in /firm/settings on a phone (brand colour, time zone) and invites a
// colleague; the colleague signs in from the invitation mail and lands on the firm dashboard.
import { expect, test } from '@playwright/test';
import {
  linkPathOf,
  OWNER,
  openLinkAndContinue,
  signInAsOwner,
  useOwnIp,
  waitForMail
} from './support/auth';
import { uniqueTag } from './support/firm';

test('owner changes brand colour and time zone, invites a colleague who signs in to /firm', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(120_000);
  // A colour of its own per project, so a second project's save changes something too.
  const [colour, rgb] =
    testInfo.project.name === 'phone'
      ? ['#7c2d12', 'rgb(124, 45, 18)']
      : ['#1e3a8a', 'rgb(30, 58, 138)'];
  await signInAsOwner(page, baseURL!);
  await page.goto('/firm');
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await expect(page).toHaveURL(/\/firm\/settings$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  // A colour white text cannot be read on: the preview says so, and saving is refused.
  const hex = page.getByLabel('Brand colour', { exact: true });
  await hex.fill('#ffd60a');
  await expect(page.getByText(/too light, it needs 4\.5:1/)).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText(/White text is hard to read on #ffd60a/)).toBeVisible();

  await hex.fill(colour);
  await expect(page.getByText(/easy to read/)).toBeVisible();
  await page.getByLabel('Time zone').selectOption('America/New_York');
  await expect(page.getByText(/It is \d{1,2} \w{3}, \d{2}:\d{2} E[SD]T there now/)).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Time zone')).toHaveValue('America/New_York');
  await expect(page.getByLabel('Brand colour', { exact: true })).toHaveValue(colour);
  await expect(page.locator('header.appbar .mark')).toHaveCSS('background-color', rgb);

  // Invite a colleague (a fresh address: sign-in mail is limited to one a minute per address).
  const tag = uniqueTag(`settings-${testInfo.project.name}`);
  const email = `nia-${tag}@smith.example`;
  const since = Date.now();
  await page.getByLabel('Name', { exact: true }).fill('Nia Colleague');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invited ${email}`).first()).toBeVisible();
  const row = page.getByRole('listitem').filter({ hasText: email });
  await expect(row.getByText('invited, not signed in yet')).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: OWNER.email })).toContainText('owner');

  const mail = await waitForMail(page.request, email, since, 15_000, /invited you/);
  expect(mail.subject).toContain('Smith & Co');
  expect(mail.text).toMatch(/This link works until .+ E[SD]T\./);
  expect(mail.html).toContain(`background:${colour}`);

  const context = await browser.newContext({
    ...testInfo.project.use,
    baseURL
  });
  const colleague = await context.newPage();
  await useOwnIp(colleague);
  await openLinkAndContinue(colleague, linkPathOf(mail));
  await expect(colleague).toHaveURL(/\/firm$/);
  await expect(colleague.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(colleague.getByRole('banner')).toContainText('Smith & Co');
  // Staff, not owner: settings are read-only for them.
  await colleague.goto('/firm/settings');
  await expect(colleague.getByText('Only an owner of the firm can change these.')).toBeVisible();
  await context.close();

  await page.reload();
  await expect(
    page
      .getByRole('listitem')
      .filter({ hasText: email })
      .getByText(/^joined /)
  ).toBeVisible();
});
