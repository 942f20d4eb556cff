// Passkeys through the real routes, answered by a software authenticator (tests/support/
// webauthn.ts): registration after a sign-in, sign-in with the passkey alone, the staff step-up,
// and every way a response must be refused (replayed, expired, foreign, wrong origin or RP ID,
// another user's passkey, a counter that went back, too many tries).
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createUser,
  signIn
} from '../../support/factories';
import { appUrl, SESSION_COOKIE, TestBrowser } from '../../support/server';
import { SoftAuthenticator } from '../../support/webauthn';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
let origin: string;

function postJson(browser: TestBrowser, path: string, body: unknown = {}) {
  return browser.request('POST', path, { body: JSON.stringify(body), headers: JSON_HEADERS });
}

async function register(browser: TestBrowser, authenticator: SoftAuthenticator) {
  const options = await postJson(browser, '/api/passkeys/register/options');
  expect(options.status).toBe(200);
  return postJson(browser, '/api/passkeys/register', {
    response: authenticator.register(options.json())
  });
}

async function signInOptions(browser: TestBrowser) {
  const options = await postJson(browser, '/api/passkeys/sign-in/options');
  expect(options.status).toBe(200);
  return options.json<{ challenge: string; rpId: string; allowCredentials?: unknown[] }>();
}

async function passkeySignIn(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  next?: string
) {
  const options = await signInOptions(browser);
  return postJson(browser, '/api/passkeys/sign-in', {
    response: authenticator.assert(options),
    next
  });
}

async function stepUp(browser: TestBrowser, authenticator: SoftAuthenticator) {
  const options = await postJson(browser, '/api/passkeys/step-up/options');
  expect(options.status).toBe(200);
  return postJson(browser, '/api/passkeys/step-up', {
    response: authenticator.assert(options.json())
  });
}

/** A contact with a passkey registered from a signed-in browser. */
async function contactWithPasskey() {
  const db = getDb();
  const { firm } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const { user } = await createContact(db, client);
  const browser = new TestBrowser();
  await signIn(browser, user.id, 'client');
  const authenticator = new SoftAuthenticator(origin);
  const registered = await register(browser, authenticator);
  expect(registered.status).toBe(200);
  return { firm, user, authenticator };
}

const sessionsOf = (userId: string) =>
  getDb().select().from(s.session).where(eq(s.session.userId, userId));

beforeAll(async () => {
  origin = await appUrl();
});

describe('passkey registration', () => {
  it('stores a passkey for the signed-in user, named after the device', async () => {
    const db = getDb();
    const user = await createUser(db);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const options = await postJson(browser, '/api/passkeys/register/options');
    const body = options.json<{
      rp: { id: string };
      user: { name: string };
      authenticatorSelection: { residentKey: string };
    }>();
    expect(body.rp.id).toBe(new URL(origin).hostname);
    expect(body.user.name).toBe(user.email);
    expect(body.authenticatorSelection.residentKey).toBe('required');
    const authenticator = new SoftAuthenticator(origin);
    const r = await postJson(browser, '/api/passkeys/register', {
      response: authenticator.register(options.json())
    });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ passkey: { name: 'iPhone' } });
    const [row] = await db.select().from(s.passkey).where(eq(s.passkey.userId, user.id));
    expect(row).toMatchObject({ credentialId: authenticator.id, counter: 0, lastUsedAt: null });
    const [added] = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.actorId, user.id), eq(s.auditEvent.action, 'passkey.added')));
    expect(added.data).toMatchObject({ passkeyId: row.id });
    // The same authenticator again: refused plainly, nothing stored twice.
    const again = await register(browser, authenticator);
    expect(again.status).toBe(400);
    expect(again.json<{ error: string }>().error).toContain('already has a passkey');
  });

  it('refuses the signed out, a challenge of another session, and a replay', async () => {
    const db = getDb();
    const user = await createUser(db);
    expect((await postJson(new TestBrowser(), '/api/passkeys/register/options')).status).toBe(401);
    const mine = new TestBrowser();
    await signIn(mine, user.id, 'client');
    const other = new TestBrowser();
    await signIn(other, user.id, 'client');
    const authenticator = new SoftAuthenticator(origin);
    const options = (await postJson(mine, '/api/passkeys/register/options')).json();
    const response = authenticator.register(options as never);
    const foreign = await postJson(other, '/api/passkeys/register', { response });
    expect(foreign.status).toBe(400);
    expect(foreign.json<{ error: string }>().error).toContain('too long');
    // The foreign attempt did not spoil it for the session that asked; a replay then fails.
    expect((await postJson(mine, '/api/passkeys/register', { response })).status).toBe(200);
    expect((await postJson(mine, '/api/passkeys/register', { response })).status).toBe(400);
    expect(await db.select().from(s.passkey).where(eq(s.passkey.userId, user.id))).toHaveLength(1);
  });

  it('refuses a response for another origin or RP ID, and malformed JSON', async () => {
    const db = getDb();
    const user = await createUser(db);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    for (const authenticator of [
      new SoftAuthenticator('https://sheaf.evil.test'),
      new SoftAuthenticator(origin, 'evil.test')
    ]) {
      const r = await register(browser, authenticator);
      expect(r.status).toBe(400);
      expect(r.json<{ error: string }>().error).toContain('could not be checked');
    }
    const bad = await postJson(browser, '/api/passkeys/register', { response: { id: 1 } });
    expect(bad.status).toBe(400);
    const text = await browser.request('POST', '/api/passkeys/register', {
      body: 'not json',
      headers: JSON_HEADERS
    });
    expect(text.status).toBe(400);
    expect(await db.select().from(s.passkey).where(eq(s.passkey.userId, user.id))).toEqual([]);
  });

  it('refuses a request from another site', async () => {
    const user = await createUser();
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const r = await browser.request('POST', '/api/passkeys/register/options', {
      body: '{}',
      headers: { ...JSON_HEADERS, origin: 'https://evil.test' }
    });
    expect(r.status).toBe(403);
  });
});

// The offer is in the HTML the server sends, so it is on the page's first paint rather than
// appearing once the scripts have run (and moving what is below it).
describe('the passkey offer in the page', () => {
  const OFFER = 'id="passkey-offer-title"';

  it('is sent after an email sign-in, until this device answers it', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const inbox = await browser.get('/p');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain(OFFER);
    expect(inbox.text).toContain(
      'Sign in with Face ID, your fingerprint or your screen lock next time'
    );
    browser.cookies.set('sheaf_passkey_offer', 'dismissed');
    expect((await browser.get('/p')).text).not.toContain(OFFER);
    browser.cookies.set('sheaf_passkey_offer', 'added');
    expect((await browser.get('/p')).text).not.toContain(OFFER);
    // Not a value the page wrote: offered again.
    browser.cookies.set('sheaf_passkey_offer', 'maybe');
    expect((await browser.get('/p')).text).toContain(OFFER);

    const colleague = new TestBrowser();
    await signIn(colleague, staff.id, 'staff');
    const dashboard = await colleague.get('/firm');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain(OFFER);
  });

  it('is not sent to a session confirmed with a passkey after an email sign-in', async () => {
    // The staff step-up (/confirm-passkey) proves this device has a passkey: its page sets the
    // cookie too, but the session says so whatever the cookie.
    const db = getDb();
    const { staff } = await createFirmWithStaff(db);
    const browser = new TestBrowser();
    const started = await signIn(browser, staff.id, 'staff');
    await db
      .update(s.session)
      .set({ signInMethod: 'link', passkeyConfirmedAt: new Date() })
      .where(eq(s.session.idHash, started.idHash));
    const dashboard = await browser.get('/firm');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).not.toContain(OFFER);
  });

  it('is not sent to a session a passkey started', async () => {
    const { authenticator } = await contactWithPasskey();
    const browser = new TestBrowser();
    expect((await passkeySignIn(browser, authenticator)).status).toBe(200);
    const inbox = await browser.get('/p');
    expect(inbox.status).toBe(200);
    expect(inbox.text).not.toContain(OFFER);
  });
});

describe('passkey sign-in', () => {
  it('signs in with the passkey alone, as a link sign-in would', async () => {
    const db = getDb();
    const { user, authenticator, firm } = await contactWithPasskey();
    const browser = new TestBrowser();
    const options = await signInOptions(browser);
    // Usernameless: the options name no passkey, so they say nothing about anyone.
    expect(options.allowCredentials ?? []).toEqual([]);
    const r = await postJson(browser, '/api/passkeys/sign-in', {
      response: authenticator.assert(options)
    });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ redirectTo: '/p' });
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    expect(browser.cookies.has('sheaf_passkey')).toBe(false);
    const started = (await sessionsOf(user.id)).find((x) => x.signInMethod === 'passkey');
    expect(started).toMatchObject({ kind: 'client' });
    expect(started?.passkeyConfirmedAt).toBeInstanceOf(Date);
    const [stored] = await db.select().from(s.passkey).where(eq(s.passkey.userId, user.id));
    expect(stored.counter).toBe(1);
    expect(stored.lastUsedAt).toBeInstanceOf(Date);
    expect((await browser.get('/p')).status).toBe(200);
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.actorId, user.id), eq(s.auditEvent.firmId, firm.id)));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['auth.passkey_used', 'auth.session_started'])
    );
    // A contact asking for a staff page lands on their own documents.
    const staffPage = await passkeySignIn(new TestBrowser(), authenticator, '/firm/settings');
    expect(staffPage.json()).toEqual({ redirectTo: '/p' });
  });

  it('gives staff a staff session, going on to the page they asked for', async () => {
    const { staff } = await createFirmWithStaff();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const authenticator = new SoftAuthenticator(origin);
    expect((await register(browser, authenticator)).status).toBe(200);
    const fresh = new TestBrowser();
    const r = await passkeySignIn(fresh, authenticator, '/firm/clients');
    expect(r.json()).toEqual({ redirectTo: '/firm/clients' });
    expect((await fresh.get('/firm/clients')).status).toBe(200);
    const portal = await passkeySignIn(new TestBrowser(), authenticator, '/p');
    expect(portal.json()).toEqual({ redirectTo: '/p' });
    const kinds = (await sessionsOf(staff.id)).filter((x) => x.signInMethod === 'passkey');
    expect(kinds.map((k) => k.kind).sort()).toEqual(['client', 'staff']);
  });

  it('refuses a replayed response, an expired challenge and another browser’s challenge', async () => {
    const db = getDb();
    const { user, authenticator } = await contactWithPasskey();
    const browser = new TestBrowser();
    const options = await signInOptions(browser);
    const response = authenticator.assert(options);
    // Another browser posting this browser's answer: refused, and the challenge stays usable.
    const thief = new TestBrowser();
    await signInOptions(thief);
    const stolen = await postJson(thief, '/api/passkeys/sign-in', { response });
    expect(stolen.status).toBe(400);
    expect(thief.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await postJson(browser, '/api/passkeys/sign-in', { response })).status).toBe(200);
    // The same answer again, from the same browser: the challenge is gone.
    const replayed = await postJson(browser, '/api/passkeys/sign-in', { response });
    expect(replayed.status).toBe(400);
    expect(replayed.json<{ error: string }>().error).toContain('already used');
    // An expired challenge.
    const late = new TestBrowser();
    const lateOptions = await signInOptions(late);
    await db
      .update(s.webauthnChallenge)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.webauthnChallenge.challenge, lateOptions.challenge));
    const expired = await postJson(late, '/api/passkeys/sign-in', {
      response: authenticator.assert(lateOptions)
    });
    expect(expired.status).toBe(400);
    expect(late.cookies.has(SESSION_COOKIE)).toBe(false);
    // A browser without the binding cookie at all.
    const bare = new TestBrowser();
    const noCookie = await postJson(bare, '/api/passkeys/sign-in', { response });
    expect(noCookie.status).toBe(400);
    expect((await sessionsOf(user.id)).filter((x) => x.signInMethod === 'passkey')).toHaveLength(1);
    const failed = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.action, 'auth.passkey_failed'));
    expect(failed.length).toBeGreaterThan(0);
  });

  it('says plainly when a passkey is not registered here, or is for another site', async () => {
    const stranger = new SoftAuthenticator(origin);
    const r = await passkeySignIn(new TestBrowser(), stranger);
    expect(r.status).toBe(401);
    expect(r.json<{ error: string }>().error).toBe(
      'That passkey is not registered here. Sign in with your email instead.'
    );
    const { authenticator } = await contactWithPasskey();
    for (const wrong of [
      { origin: 'https://sheaf.evil.test', rpId: null },
      { origin, rpId: 'evil.test' }
    ]) {
      authenticator.origin = wrong.origin;
      authenticator.rpId = wrong.rpId;
      const refused = await passkeySignIn(new TestBrowser(), authenticator);
      expect(refused.status).toBe(401);
      expect(refused.json<{ error: string }>().error).toContain('could not be checked');
    }
  });

  it('refuses a signature counter that went back (a cloned authenticator)', async () => {
    const { authenticator, user } = await contactWithPasskey();
    expect((await passkeySignIn(new TestBrowser(), authenticator)).status).toBe(200);
    expect((await passkeySignIn(new TestBrowser(), authenticator)).status).toBe(200);
    const browser = new TestBrowser();
    const options = await signInOptions(browser);
    const cloned = await postJson(browser, '/api/passkeys/sign-in', {
      response: authenticator.assert(options, { counter: 1 })
    });
    expect(cloned.status).toBe(401);
    const [stored] = await getDb().select().from(s.passkey).where(eq(s.passkey.userId, user.id));
    expect(stored.counter).toBe(2);
  });

  it('refuses a passkey whose user handle names someone else', async () => {
    const { authenticator } = await contactWithPasskey();
    authenticator.userHandle = 'AAAAAAAAAAAAAAAAAAAAAA';
    const r = await passkeySignIn(new TestBrowser(), authenticator);
    expect(r.status).toBe(401);
  });

  it('starts no session for someone whose access ended', async () => {
    const db = getDb();
    const { user, authenticator } = await contactWithPasskey();
    await db.delete(s.clientContact).where(eq(s.clientContact.userId, user.id));
    const browser = new TestBrowser();
    const r = await passkeySignIn(browser, authenticator);
    expect(r.status).toBe(401);
    expect(r.json<{ error: string }>().error).toContain('access to Sheaf has ended');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('refuses a body larger than a passkey answer can be, reading no more of it', async () => {
    const browser = new TestBrowser();
    await signInOptions(browser);
    const r = await browser.request('POST', '/api/passkeys/sign-in', {
      body: JSON.stringify({ response: { id: 'x'.repeat(100_000) } }),
      headers: JSON_HEADERS
    });
    expect(r.status).toBe(413);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('is rate-limited per IP', async () => {
    const browser = new TestBrowser();
    let last = 0;
    for (let i = 0; i < 31; i++) {
      last = (await postJson(browser, '/api/passkeys/sign-in', { response: {} })).status;
    }
    expect(last).toBe(429);
  });
});

describe('staff step-up', () => {
  async function requiringFirm() {
    const db = getDb();
    const world = await createFirmWithStaff(db);
    await db.update(s.firm).set({ staffPasskeyRequired: true }).where(eq(s.firm.id, world.firm.id));
    return world;
  }

  it('walks staff without a passkey through adding one, which confirms the session', async () => {
    const { staff } = await requiringFirm();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const page = await browser.get('/firm/clients?x=1');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/confirm-passkey?next=%2Ffirm%2Fclients%3Fx%3D1');
    const confirm = await browser.get('/confirm-passkey?next=%2Ffirm%2Fclients');
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Add a passkey to continue');
    expect((await register(browser, new SoftAuthenticator(origin))).status).toBe(200);
    expect((await browser.get('/firm/clients')).status).toBe(200);
  });

  it('blocks every /firm page, action and JSON route until the passkey is used', async () => {
    const { staff, firm } = await requiringFirm();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const authenticator = new SoftAuthenticator(origin);
    // Added before the firm required it, from a session that then signed out.
    await getDb().update(s.firm).set({ staffPasskeyRequired: false }).where(eq(s.firm.id, firm.id));
    expect((await register(browser, authenticator)).status).toBe(200);
    await getDb().update(s.firm).set({ staffPasskeyRequired: true }).where(eq(s.firm.id, firm.id));
    const fresh = new TestBrowser();
    await signIn(fresh, staff.id, 'staff');
    expect((await fresh.get('/firm')).location).toBe('/confirm-passkey?next=%2Ffirm');
    const action = await fresh.post('/firm/clients?/create', { name: 'X', code: 'X' });
    expect(action.status).toBe(303);
    expect(action.location).toBe('/confirm-passkey?next=%2Ffirm%2Fclients');
    const api = await postJson(fresh, '/firm/packets/bulk/create', {});
    expect(api.status).toBe(403);
    expect(api.json<{ message: string }>().message).toContain('confirm with a passkey');
    // Adding another passkey is no way around it.
    expect((await postJson(fresh, '/api/passkeys/register/options')).status).toBe(403);
    const page = await fresh.get('/confirm-passkey?next=%2Ffirm');
    expect(page.text).toContain('Confirm with your passkey');
    expect((await stepUp(fresh, authenticator)).status).toBe(200);
    expect((await fresh.get('/firm')).status).toBe(200);
    expect((await fresh.get('/confirm-passkey?next=%2Ffirm')).location).toBe('/firm');
    // A passkey sign-in needs no step-up.
    const direct = new TestBrowser();
    await passkeySignIn(direct, authenticator, '/firm');
    expect((await direct.get('/firm')).status).toBe(200);
  });

  it('accepts only the user’s own passkey, for this session’s challenge', async () => {
    const { staff, owner } = await requiringFirm();
    const mine = new SoftAuthenticator(origin);
    const theirs = new SoftAuthenticator(origin);
    const staffBrowser = new TestBrowser();
    await signIn(staffBrowser, staff.id, 'staff');
    expect((await register(staffBrowser, mine)).status).toBe(200);
    const ownerBrowser = new TestBrowser();
    await signIn(ownerBrowser, owner.id, 'staff');
    expect((await register(ownerBrowser, theirs)).status).toBe(200);
    const fresh = new TestBrowser();
    await signIn(fresh, staff.id, 'staff');
    const r = await stepUp(fresh, theirs);
    expect(r.status).toBe(400);
    expect(r.json<{ error: string }>().error).toContain('not one of yours');
    // A challenge of another of my sessions.
    const other = new TestBrowser();
    await signIn(other, staff.id, 'staff');
    const options = (await postJson(other, '/api/passkeys/step-up/options')).json();
    const foreign = await postJson(fresh, '/api/passkeys/step-up', {
      response: mine.assert(options as never)
    });
    expect(foreign.status).toBe(400);
    expect((await fresh.get('/firm')).status).toBe(303);
  });
});
