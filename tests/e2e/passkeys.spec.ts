// Passkeys on a phone and on a desktop, with Chromium's virtual authenticator: a contact adds
// one after an email sign-in and signs in with it alone; a firm requires passkeys of its staff,
// and a colleague's email sign-in then opens no firm page until the passkey is used.
// Browsers refuse passkeys on an IP address: run with E2E_HOST=localhost.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  askForLink,
  linkPathOf,
  openLink,
  openLinkAndContinue,
  OWNER,
  signInAsOwner,
  signInByEmail,
  useOwnIp,
  waitForMail
} from './support/auth';
import { expectNoViolations } from './support/axe';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { addVirtualAuthenticator, passkeysPossible } from './support/passkeys';
import { useColourScheme } from './support/scheme';

test.describe.configure({ mode: 'serial' });
test.skip(
  ({ baseURL }) => !passkeysPossible(baseURL),
  'browsers refuse passkeys on an IP address: run with E2E_HOST=localhost'
);

/** With SHEAF_SCREENSHOTS=1, a picture for docs/screenshots (as screenshots.spec.ts takes). */
async function shoot(page: Page, name: string) {
  if (!process.env.SHEAF_SCREENSHOTS || test.info().project.name !== 'phone') return;
  const out = process.env.SHEAF_SCREENSHOTS_DIR ?? 'test-results/screenshots';
  await page.waitForLoadState('networkidle');
  await useColourScheme(page, 'light');
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, `${name}-phone.png`) });
  await page.emulateMedia({ colorScheme: null });
}

/** A Card of the page, by its heading. */
const card = (page: Page, title: string) =>
  page.locator('section', { has: page.getByRole('heading', { level: 2, name: title }) });

/**
 * The owner, signed in on `page`, adds a client with one contact (a unique address at
 * harbour.example, named after the contact's first name); returns that address.
 */
async function ownerAddsContact(
  page: Page,
  baseURL: string,
  client: string,
  code: string,
  contact: string
): Promise<string> {
  await signInAsOwner(page, baseURL);
  const tag = uniqueTag(code.toLowerCase());
  const email = `${contact.split(' ')[0].toLowerCase()}-${tag}@harbour.example`;
  await addClient(page, { name: client, code: `${code}-${tag}`.slice(0, 20) }, [
    { name: contact, email }
  ]);
  return email;
}

/** From the next page load on, this browser offers no passkey autofill (only the button). */
async function withoutAutofill(page: Page) {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

/**
 * Signs out, waiting for the sign-in page to commit: with a passkey on the device, that page's
 * autofill may sign straight back in and move on before a URL assertion could look.
 */
async function signOut(page: Page) {
  await page.goto('/sign-out');
  const signInPage = page.waitForURL(/\/sign-in/, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInPage;
}

test('a contact adds a passkey after an email sign-in, then signs in with it alone', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const email = await ownerAddsContact(page, baseURL!, 'Passkey Bakery Ltd', 'PK', 'Pat Harbour');

  const context = await browser.newContext({ baseURL, ...deviceOf(test.info().project.use) });
  const device = await context.newPage();
  const authenticator = await addVirtualAuthenticator(device);
  await signInByEmail(device, email);
  await expect(device).toHaveURL(/\/p$/);

  // The offer, on the page the link landed on.
  const offer = device.getByRole('region', {
    name: 'Sign in with Face ID, your fingerprint or your screen lock next time'
  });
  await expect(offer).toBeVisible();
  await expectNoViolations(device, '/p with the passkey offer');
  await shoot(device, 'passkey-offer');
  await offer.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(device.getByRole('heading', { name: 'Passkey added' })).toBeVisible();
  expect(await authenticator.credentialCount()).toBe(1);
  await device.reload();
  await expect(device.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  await expect(offer).toHaveCount(0);

  // /account lists it; rename it.
  await device.goto('/account');
  const section = card(device, 'Passkeys');
  await expect(section.getByText('not used yet')).toBeVisible();
  await section.getByRole('button', { name: /^Rename / }).click();
  await section.getByLabel('Name', { exact: true }).fill('My phone');
  await section.getByRole('button', { name: 'Save name' }).click();
  await expect(section.getByText('My phone', { exact: true })).toBeVisible();
  await expectNoViolations(device, '/account with a passkey');
  await shoot(device, 'passkey-account');

  // Signed out, the passkey alone signs in again: no address, no mail. The sign-in page asks
  // for a passkey through the email field's autofill, which the virtual authenticator answers
  // at once, as a person picking their passkey from the suggestions would.
  await signOut(device);
  await expect(device).toHaveURL(/\/p$/);
  await expect(device.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  await expect(offer).toHaveCount(0);
  await device.goto('/account');
  await expect(section.getByText(/last used/)).toBeVisible();

  // A browser without passkey autofill: the button does it.
  await withoutAutofill(device);
  await signOut(device);
  await device.goto('/sign-in');
  await expect(device.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
  await expectNoViolations(device, '/sign-in with passkeys');
  await shoot(device, 'passkey-sign-in');
  await device.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(device).toHaveURL(/\/p$/);
  await expect(device.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  await context.close();
});

test('"Not now" holds on this device: on every page, in the app and after a reload', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const email = await ownerAddsContact(page, baseURL!, 'Not Now Bakery Ltd', 'NN', 'Kim Harbour');
  const files = await statementFiles('Not Now Bakery Ltd', [{ name: 'statement.pdf', pages: 2 }]);
  await composePacket(page, files);
  const since = await publishPacket(page, 1);

  const context = await browser.newContext({ baseURL, ...deviceOf(test.info().project.use) });
  const device = await context.newPage();
  await useOwnIp(device);
  await openLinkAndContinue(device, linkPathOf(await waitForMail(device.request, email, since)));
  await expect(device).toHaveURL(/\/p\/[0-9a-f-]{36}$/);
  const offer = device.getByRole('region', {
    name: 'Sign in with Face ID, your fingerprint or your screen lock next time'
  });
  // On the packet page the card comes once the page runs (the notifications offer goes first).
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: 'Not now' }).click();
  await expect(offer).toHaveCount(0);
  // In the app, /p (whose layout data came before the answer) does not offer it either.
  await device.getByRole('link', { name: 'All your documents' }).click();
  await expect(device.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  await expect(device.getByRole('link', { name: /Not Now Bakery|review/ }).first()).toBeVisible();
  await expect(offer).toHaveCount(0);
  // Nor does the page the server sends, after a reload or on another day.
  await device.reload();
  await expect(device.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  await expect(offer).toHaveCount(0);
  expect(await (await device.request.get('/p')).text()).not.toContain('passkey-offer-title');
  await context.close();
});

test('a passkey this site does not know is refused plainly, and email still works', async ({
  browser,
  baseURL
}) => {
  const context = await browser.newContext({ baseURL, ...deviceOf(test.info().project.use) });
  const device = await context.newPage();
  await useOwnIp(device);
  const authenticator = await addVirtualAuthenticator(device);
  // A passkey for this site whose account Sheaf has never stored (a reset, a removed one).
  await authenticator.cdp.send('WebAuthn.addCredential', {
    authenticatorId: authenticator.authenticatorId,
    credential: {
      credentialId: Buffer.from('unknown-to-sheaf-credential').toString('base64'),
      isResidentCredential: true,
      rpId: new URL(baseURL!).hostname,
      privateKey: await newPrivateKey(),
      userHandle: Buffer.alloc(16, 7).toString('base64'),
      signCount: 0
    }
  });
  await withoutAutofill(device);
  await device.goto('/sign-in');
  await device.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(
    device.getByText('That passkey is not registered here. Sign in with your email instead.')
  ).toBeVisible();
  await expect(device.getByLabel('Email address')).toBeEditable();
  await context.close();
});

test('a firm requires passkeys: staff are walked through one, then asked for it', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(180_000);
  const owner = page;
  await addVirtualAuthenticator(owner);
  await signInAsOwner(owner, baseURL!);
  // A session of its own, fresh from an email link: the owner's remembered one may already have
  // confirmed a passkey (this journey runs once per project).
  await owner.context().clearCookies();
  await useOwnIp(owner);
  const mailed = Date.now();
  await askForLink(owner, OWNER.email);
  await openLink(owner, linkPathOf(await waitForMail(owner.request, OWNER.email, mailed)));
  let failure: unknown = null;
  try {
    // The owner adds a passkey, and must use it before requiring one of everybody.
    await owner.goto('/account');
    await owner.getByRole('button', { name: /^Add (a|another) passkey$/ }).click();
    await expect(card(owner, 'Passkeys').getByText('not used yet')).toBeVisible();
    await owner.goto('/firm/settings');
    const policy = card(owner, 'Sign-in security');
    await policy.getByLabel(/Staff must confirm with a passkey/).check();
    await policy.getByRole('button', { name: 'Save' }).click();
    await expect(policy.getByRole('alert')).toContainText('Confirm with your passkey first');
    await policy.getByRole('link', { name: 'Confirm now' }).click();
    await expect(owner.getByRole('heading', { name: 'Confirm with your passkey' })).toBeVisible();
    await expectNoViolations(owner, '/confirm-passkey');
    await owner.getByRole('button', { name: 'Use my passkey' }).click();
    await expect(owner).toHaveURL(/\/firm\/settings$/);
    await policy.getByLabel(/Staff must confirm with a passkey/).check();
    await policy.getByRole('button', { name: 'Save' }).click();
    await expect(
      owner.getByRole('status').getByText('Staff now confirm with a passkey')
    ).toBeVisible();

    // A colleague is invited; their first firm page walks them through adding a passkey.
    const tag = uniqueTag('stepup');
    const email = `kit-${tag}@smith.example`;
    const since = Date.now();
    await owner.locator('#f-invite-name').fill('Kit Colleague');
    await owner.locator('#f-invite-email').fill(email);
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    const invite = await waitForMail(owner.request, email, since);

    const context = await browser.newContext({ baseURL, ...deviceOf(test.info().project.use) });
    const device = await context.newPage();
    await useOwnIp(device);
    const kit = await addVirtualAuthenticator(device);
    await openLinkAndContinue(device, linkPathOf(invite));
    await expect(device).toHaveURL(/\/confirm-passkey\?next=%2Ffirm/);
    await expect(device.getByRole('heading', { name: 'Add a passkey to continue' })).toBeVisible();
    await expectNoViolations(device, '/confirm-passkey (no passkey yet)');
    await shoot(device, 'passkey-step-up-add');
    await device.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(device).toHaveURL(/\/firm$/);
    await expect(device.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

    // Signed in again by email: no firm page opens until the passkey is used. (The sign-in
    // page's passkey autofill is left waiting for a pick: this time email is the way in.)
    await kit.answer(false);
    await signOut(device);
    const again = Date.now();
    await askForLink(device, email);
    await openLink(device, linkPathOf(await waitForMail(device.request, email, again)));
    await kit.answer(true);
    await expect(device).toHaveURL(/\/confirm-passkey\?next=%2Ffirm/);
    await device.goto('/firm/clients');
    await expect(device).toHaveURL(/\/confirm-passkey\?next=%2Ffirm%2Fclients/);
    await expect(device.getByRole('heading', { name: 'Confirm with your passkey' })).toBeVisible();
    await shoot(device, 'passkey-step-up');
    await device.getByRole('button', { name: 'Use my passkey' }).click();
    await expect(device).toHaveURL(/\/firm\/clients$/);

    // With the passkey alone there is nothing more to confirm.
    // (The sign-in page's autofill, answered at once by the virtual authenticator.)
    await signOut(device);
    // (Committed is enough: the autofill may move on before the page has loaded. The sign-in
    // page signOut left may itself be signing in through the autofill, to /firm: that
    // navigation may cut this one short, and ends on the same dashboard.)
    await device.goto('/sign-in?next=%2Ffirm', { waitUntil: 'commit' }).catch((error: unknown) => {
      if (!/interrupted by another navigation to "[^"]*\/firm"/.test(String(error))) throw error;
    });
    await expect(device).toHaveURL(/\/firm$/);
    await expect(device.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await context.close();
  } catch (error) {
    failure = error;
  } finally {
    // Other specs sign staff in by email: leave the firm as it was (then report what failed).
    await owner.goto('/firm/settings');
    if (new URL(owner.url()).pathname === '/firm/settings') {
      const policy = card(owner, 'Sign-in security');
      const box = policy.getByLabel(/Staff must confirm with a passkey/);
      if (await box.isChecked()) {
        await box.uncheck();
        await policy.getByRole('button', { name: 'Save' }).click();
        await expect(
          owner.getByRole('status').getByText('Staff no longer need a passkey')
        ).toBeVisible();
      }
    }
  }
  if (failure) throw failure;
});

/** The project's device settings, for a second context (pictured at 2x, as the docs'). */
function deviceOf(use: {
  viewport?: { width: number; height: number } | null;
  isMobile?: boolean;
  hasTouch?: boolean;
  userAgent?: string;
}) {
  return {
    viewport: use.viewport ?? undefined,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    userAgent: use.userAgent,
    deviceScaleFactor: 2
  };
}

/** A fresh P-256 private key, PKCS#8 in base64, as WebAuthn.addCredential takes it. */
async function newPrivateKey(): Promise<string> {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}
