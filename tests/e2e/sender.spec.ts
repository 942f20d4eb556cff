// The owner names the firm's sender in /firm/settings on a phone, with a live preview; an own
// address on a domain nobody verified is refused with the reason; the next mail carries the
// name on its From line, which the dev mailbox shows. The name is put back afterwards (the e2e
// firm is shared by every spec).
import { expect, test } from '@playwright/test';
import { signInAsOwner, waitForMail } from './support/auth';
import { uniqueTag } from './support/firm';

test('owner sets the sender name; an unverified own address is refused; mail shows the From', async ({
  page,
  baseURL
}, testInfo) => {
  test.setTimeout(120_000);
  const name = `Smith & Co Clients ${testInfo.project.name}`;
  await signInAsOwner(page, baseURL!);
  await page.goto('/firm/settings');
  const sender = page.getByLabel('Sender name');
  const own = page.getByLabel('Send from your own address');
  const preview = page.getByTestId('sender-preview');
  await expect(preview).toHaveText(/^Smith & Co via Sheaf <.+@.+>$/);

  await sender.fill(name);
  await expect(preview).toHaveText(new RegExp(`^${name} <.+@.+>$`));
  await own.fill('clients@unverified.example');
  await expect(preview).toHaveText(`${name} <clients@unverified.example>`);
  await page.getByRole('button', { name: 'Save sender' }).click();
  await expect(page.getByRole('alert').first()).toHaveText('Nothing was saved: see why below.');
  await expect(own).toHaveAccessibleDescription(
    /unverified\.example isn't on this Sheaf's list of verified domains \(ask your administrator\)\./
  );

  await own.fill('');
  await page.getByRole('button', { name: 'Save sender' }).click();
  await expect(page.getByText('Sender saved.')).toBeVisible();

  try {
    const email = `ola-${uniqueTag(`sender-${testInfo.project.name}`)}@smith.example`;
    const since = Date.now();
    await page.getByLabel('Name', { exact: true }).fill('Ola Colleague');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText(`Invited ${email}`).first()).toBeVisible();
    const mail = await waitForMail(page.request, email, since, 15_000, /invited you/);
    expect(mail.from).toMatch(new RegExp(`^"${name}" <.+@.+>$`));

    const mailbox = await page.context().browser()!.newContext({ baseURL });
    const inbox = await mailbox.newPage();
    await inbox.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
    await expect(inbox.getByText(`From ${mail.from}`)).toBeVisible();
    await mailbox.close();
  } finally {
    await page.goto('/firm/settings');
    await page.getByLabel('Sender name').fill('');
    await page.getByRole('button', { name: 'Save sender' }).click();
    await expect(page.getByText('Sender saved.')).toBeVisible();
  }
});
