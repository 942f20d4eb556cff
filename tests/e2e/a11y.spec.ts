// Axe on the main pages of both sides, signed out, as staff and as a contact, light and dark:
// zero violations. (The first-run pages, /setup and the empty dashboard: first-run.setup.ts.)
import { expect, test, type Page } from '@playwright/test';
import {
  askForLink,
  linkPathOf,
  openLinkAndContinue,
  signInAsOwner,
  signInByEmail,
  useOwnIp,
  waitForMail
} from './support/auth';
import { expectNoViolations } from './support/axe';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { expectPdfPainted } from './support/viewer';

/** Tabs through the page from the top: every listed control (id, or button:label) gets focus. */
async function expectKeyboardReaches(page: Page, controls: string[]) {
  await page.locator('body').focus();
  const seen = new Set<string>();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    seen.add(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        return el.id || (el.tagName === 'BUTTON' ? `button:${el.textContent?.trim()}` : '');
      })
    );
  }
  expect(controls.filter((c) => !seen.has(c))).toEqual([]);
}

test('the main pages have no axe violations', async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto('/sign-in');
  await expectNoViolations(page, '/sign-in');

  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`a11y-${testInfo.project.name}`);
  const email = `axe-${tag}@example.test`;
  const clientName = `Axe Foods ${tag}`;
  const clientId = await addClient(page, { name: clientName, code: `AX${tag}`.slice(0, 20) }, [
    { name: 'Alex Axe', email }
  ]);
  const packetId = await composePacket(
    page,
    await statementFiles(clientName, [{ name: 'Statements.pdf', pages: 3 }])
  );
  const since = await publishPacket(page, 1);
  await expectNoViolations(page, '/firm/packets/[id]');
  await page.getByRole('button', { name: 'Rename Statements' }).click();
  await expectNoViolations(page, '/firm/packets/[id] (renaming a document)');
  await page.goto('/firm/packets/new');
  await expectNoViolations(page, '/firm/packets/new');
  await page.goto('/firm');
  await expectNoViolations(page, '/firm');
  await page.goto('/firm/clients');
  await expectNoViolations(page, '/firm/clients');
  await page.goto(`/firm/clients/${clientId}`);
  await expectNoViolations(page, '/firm/clients/[id]');
  await page.goto('/account');
  await expectNoViolations(page, '/account (staff)');
  await page.goto('/firm/settings');
  await expectNoViolations(page, '/firm/settings');
  await expectKeyboardReaches(page, [
    'f-name',
    'f-brandColor',
    'f-replyTo',
    'f-timeZone',
    'f-reminderEveryDays',
    'f-packetLinkDays',
    'f-linkGraceDays',
    'button:Save settings',
    'f-senderName',
    'f-fromEmail',
    'button:Save sender',
    'f-invite-name',
    'f-invite-email',
    'button:Send invitation'
  ]);

  const context = await browser.newContext();
  const contact = await context.newPage();
  const mail = await waitForMail(page.request, email, since);
  await contact.goto(linkPathOf(mail));
  await expectNoViolations(contact, '/l/[token]');
  await openLinkAndContinue(contact, linkPathOf(mail));
  await expect(contact).toHaveURL(new RegExp(`/p/${packetId}$`));
  // The same link, used, in a browser without the contact's session.
  const stranger = await browser.newContext();
  const used = await stranger.newPage();
  await used.goto(linkPathOf(mail));
  await expect(used.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await expectNoViolations(used, '/l/[token] (used)');
  await used.goto('/l/not-a-token');
  await expectNoViolations(used, '/l/[token] (not valid)');
  await stranger.close();
  await expectNoViolations(contact, '/p/[id]');
  await contact
    .getByRole('link', { name: /^Statements/ })
    .first()
    .click();
  await expectPdfPainted(contact);
  await expectNoViolations(contact, 'viewer');
  await contact.goto('/p');
  await expectNoViolations(contact, '/p');
  await contact.goto('/account');
  await expectNoViolations(contact, '/account (contact)');
  await contact.goto('/sign-out');
  await expectNoViolations(contact, '/sign-out');
  await context.close();

  // The contact asks for a link on another phone: "check your email", then the code page.
  const asking = await browser.newContext();
  const other = await asking.newPage();
  await useOwnIp(other);
  await askForLink(other, email);
  await expectNoViolations(other, '/sign-in (check your email)');
  await other.goto('/sign-in/code');
  await expectNoViolations(other, '/sign-in/code');
  await asking.close();
});

test('approval states have no axe violations, light and dark', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`a11y-ok-${testInfo.project.name}`);
  const approverEmail = `ada-${tag}@example.test`;
  const viewerEmail = `vic-${tag}@example.test`;
  const clientName = `Axe Mill ${tag}`;
  await addClient(page, { name: clientName, code: `AM${tag}`.slice(0, 20) }, [
    { name: 'Ada Approver', email: approverEmail },
    { name: 'Vic Viewer', email: viewerEmail }
  ]);
  await page.getByRole('button', { name: `Edit ${viewerEmail}` }).click();
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('viewer', { exact: true })).toBeVisible();
  const packetId = await composePacket(
    page,
    await statementFiles(clientName, [{ name: 'Statements.pdf', pages: 1 }])
  );
  await publishPacket(page, 2);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const [approver, viewer] = await Promise.all(contexts.map((c) => c.newPage()));
  await signInByEmail(approver, approverEmail);
  await signInByEmail(viewer, viewerEmail);

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const p of [page, approver, viewer]) await p.emulateMedia({ colorScheme });
    await approver.goto(`/p/${packetId}`);
    await approver.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(approver.getByRole('dialog')).toBeVisible();
    await expectNoViolations(approver, `/p/[id] approve sheet (${colorScheme})`);
    await approver
      .getByRole('dialog')
      .getByRole('button', { name: 'Approve', exact: true })
      .click();
    await expect(approver.getByRole('button', { name: 'Withdraw approval' })).toBeVisible();
    await expectNoViolations(approver, `/p/[id] approved (${colorScheme})`);
    await viewer.goto(`/p/${packetId}`);
    await expectNoViolations(viewer, `/p/[id] as a viewer (${colorScheme})`);
    await viewer.goto('/p');
    await expectNoViolations(viewer, `/p as a viewer (${colorScheme})`);
    await page.goto(`/firm/packets/${packetId}`);
    await expectNoViolations(page, `/firm/packets/[id] approved (${colorScheme})`);
    await page.goto('/firm');
    await expectNoViolations(page, `/firm (${colorScheme})`);
    await page.goto('/firm/settings');
    await expectNoViolations(page, `/firm/settings (${colorScheme})`);
    await approver.getByRole('button', { name: 'Withdraw approval' }).click();
    await expect(approver.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
  }
  await Promise.all(contexts.map((c) => c.close()));
});

test('publish confirm, nudge cooldown and the add-contact choice, light and dark', async ({
  page,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`a11y-safe-${testInfo.project.name}`);
  const clientName = `Axe Coffee Co. ${tag}`;
  const email = `axe-safe-${tag}@example.test`;
  const clientId = await addClient(page, { name: clientName, code: `AS${tag}`.slice(0, 20) }, [
    { name: 'Alex Axe', email }
  ]);
  const packetId = await composePacket(
    page,
    await statementFiles(clientName, [{ name: 'Statements.pdf', pages: 1 }])
  );
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto(`/firm/packets/${packetId}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectNoViolations(page, `publish confirm sheet (${colorScheme})`);
    await page.goto(`/firm/packets/${packetId}?publish=confirm`);
    await expectNoViolations(page, `publish confirm step (${colorScheme})`);
    await page.goto('/firm/packets/bulk');
    await expectNoViolations(page, `/firm/packets/bulk (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`/firm/packets/${packetId}`);
  await publishPacket(page, 1);
  await page.getByRole('button', { name: `Nudge ${email}`, exact: true }).click();
  await page.getByText('Nudge again…').click();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoViolations(page, `nudge cooldown (${colorScheme})`);
    await page.goto(`/firm/clients/${clientId}`);
    await expect(page.getByText('Send them the published packet now')).toBeVisible();
    await expectNoViolations(page, `/firm/clients/[id] add contact (${colorScheme})`);
    await page.goto(`/firm/packets/${packetId}`);
    await page.getByText('Nudge again…').click();
  }
});
