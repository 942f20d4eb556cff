// /account's Passkeys section (rename, remove) and the firm's passkey settings (the owner's
// "Staff must confirm with a passkey", resetting a colleague's passkeys), through the routes.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { createFirmWithStaff, createUser, signIn } from '../../support/factories';
import { appUrl, TestBrowser } from '../../support/server';
import { SoftAuthenticator } from '../../support/webauthn';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
let origin: string;

function postJson(browser: TestBrowser, path: string, body: unknown = {}) {
  return browser.request('POST', path, { body: JSON.stringify(body), headers: JSON_HEADERS });
}

/** Registers a passkey from this browser's session; returns its row. */
async function addPasskey(browser: TestBrowser, userId: string) {
  const authenticator = new SoftAuthenticator(origin);
  const options = await postJson(browser, '/api/passkeys/register/options');
  const r = await postJson(browser, '/api/passkeys/register', {
    response: authenticator.register(options.json())
  });
  expect(r.status).toBe(200);
  const [row] = await getDb()
    .select()
    .from(s.passkey)
    .where(and(eq(s.passkey.userId, userId), eq(s.passkey.credentialId, authenticator.id)));
  return { row, authenticator };
}

async function stepUp(browser: TestBrowser, authenticator: SoftAuthenticator) {
  const options = await postJson(browser, '/api/passkeys/step-up/options');
  const r = await postJson(browser, '/api/passkeys/step-up', {
    response: authenticator.assert(options.json())
  });
  expect(r.status).toBe(200);
}

const passkeysOf = (userId: string) =>
  getDb().select().from(s.passkey).where(eq(s.passkey.userId, userId));

beforeAll(async () => {
  origin = await appUrl();
});

describe('/account passkeys', () => {
  it('lists, renames and removes the user’s own passkeys', async () => {
    const db = getDb();
    const user = await createUser(db);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    expect((await browser.get('/account')).text).toContain('You have no passkeys yet.');
    const { row } = await addPasskey(browser, user.id);
    const page = await browser.get('/account');
    expect(page.text).toContain('iPhone');
    expect(page.text).toContain('not used yet');

    const empty = await browser.post('/account?/renamePasskey', { passkeyId: row.id, name: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter a name');
    const long = await browser.post('/account?/renamePasskey', {
      passkeyId: row.id,
      name: 'x'.repeat(61)
    });
    expect(long.status).toBe(400);
    expect((await passkeysOf(user.id))[0].name).toBe('iPhone');

    const renamed = await browser.post('/account?/renamePasskey', {
      passkeyId: row.id,
      name: '  Work laptop '
    });
    expect(renamed.status).toBe(200);
    expect((await passkeysOf(user.id))[0].name).toBe('Work laptop');

    const removed = await browser.post('/account?/removePasskey', { passkeyId: row.id });
    expect(removed.status).toBe(200);
    expect(await passkeysOf(user.id)).toEqual([]);
    const actions = await db
      .select({ action: s.auditEvent.action })
      .from(s.auditEvent)
      .where(eq(s.auditEvent.actorId, user.id));
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['passkey.added', 'passkey.renamed', 'passkey.removed'])
    );
  });

  it('answers 404 for another user’s passkey, a missing or a malformed id', async () => {
    const owner = await createUser();
    const ownerBrowser = new TestBrowser();
    await signIn(ownerBrowser, owner.id, 'client');
    const { row } = await addPasskey(ownerBrowser, owner.id);
    const other = new TestBrowser();
    await signIn(other, (await createUser()).id, 'client');
    for (const passkeyId of [row.id, crypto.randomUUID(), 'nope']) {
      const rename = await other.post('/account?/renamePasskey', { passkeyId, name: 'Mine' });
      expect(rename.status).toBe(404);
      const remove = await other.post('/account?/removePasskey', { passkeyId });
      expect(remove.status).toBe(404);
    }
    expect(await passkeysOf(owner.id)).toMatchObject([{ id: row.id, name: 'iPhone' }]);
  });

  it('where the firm requires passkeys, only a confirmed session changes them', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    const first = new TestBrowser();
    await signIn(first, staff.id, 'staff');
    const { row, authenticator } = await addPasskey(first, staff.id);
    await db.update(s.firm).set({ staffPasskeyRequired: true }).where(eq(s.firm.id, firm.id));
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const page = await browser.get('/account');
    expect(page.text).toContain('Confirm with your passkey');
    for (const [action, form] of [
      ['renamePasskey', { passkeyId: row.id, name: 'Attacker' }],
      ['removePasskey', { passkeyId: row.id }]
    ] as const) {
      const r = await browser.post(`/account?/${action}`, form);
      expect(r.status).toBe(403);
    }
    expect(await passkeysOf(staff.id)).toMatchObject([{ id: row.id, name: 'iPhone' }]);
    await stepUp(browser, authenticator);
    expect(
      (await browser.post('/account?/renamePasskey', { passkeyId: row.id, name: 'Phone' })).status
    ).toBe(200);
  });
});

describe('/firm/settings passkey settings', () => {
  it('lets an owner require passkeys only once they have used one', async () => {
    const db = getDb();
    const { firm, owner } = await createFirmWithStaff(db);
    const browser = new TestBrowser();
    await signIn(browser, owner.id, 'staff');
    const none = await browser.post('/firm/settings?/passkeyRequired', { required: 'on' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Add a passkey to your own account first');
    const { authenticator } = await addPasskey(browser, owner.id);
    const unconfirmed = await browser.post('/firm/settings?/passkeyRequired', { required: 'on' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Confirm with your passkey first');
    const [still] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(still.staffPasskeyRequired).toBe(false);

    await stepUp(browser, authenticator);
    const on = await browser.post('/firm/settings?/passkeyRequired', { required: 'on' });
    expect(on.status).toBe(200);
    const [now] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(now.staffPasskeyRequired).toBe(true);
    const [audit] = await db
      .select()
      .from(s.auditEvent)
      .where(
        and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'firm.settings_updated'))
      );
    expect(audit.data).toEqual({ staffPasskeyRequired: { from: false, to: true } });
    // The owner's confirmed session goes on; the settings page says it is on.
    expect((await browser.get('/firm/settings')).text).toContain(
      'Staff must confirm with a passkey'
    );
    const off = await browser.post('/firm/settings?/passkeyRequired', {});
    expect(off.status).toBe(200);
    const [after] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(after.staffPasskeyRequired).toBe(false);
  });

  it('refuses staff who are not owners', async () => {
    const { staff, firm } = await createFirmWithStaff();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const r = await browser.post('/firm/settings?/passkeyRequired', { required: 'on' });
    expect(r.status).toBe(403);
    const [row] = await getDb().select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(row.staffPasskeyRequired).toBe(false);
  });

  it('lets an owner reset a colleague’s passkeys, which ends their confirmation', async () => {
    const db = getDb();
    const { firm, owner, staff } = await createFirmWithStaff(db);
    const staffBrowser = new TestBrowser();
    await signIn(staffBrowser, staff.id, 'staff');
    const { authenticator } = await addPasskey(staffBrowser, staff.id);
    await addPasskey(staffBrowser, staff.id);
    const ownerBrowser = new TestBrowser();
    await signIn(ownerBrowser, owner.id, 'staff');
    const { authenticator: ownerKey } = await addPasskey(ownerBrowser, owner.id);
    await stepUp(ownerBrowser, ownerKey);
    await stepUp(staffBrowser, authenticator);
    await db.update(s.firm).set({ staffPasskeyRequired: true }).where(eq(s.firm.id, firm.id));
    expect((await staffBrowser.get('/firm')).status).toBe(200);
    const settings = await ownerBrowser.get('/firm/settings');
    expect(settings.text).toContain('2 passkeys');

    const [member] = await db
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
    // Not by a colleague who is not an owner, nor on oneself.
    expect(
      (await staffBrowser.post('/firm/settings?/resetPasskeys', { memberId: member.id })).status
    ).toBe(403);
    const [ownMember] = await db
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, owner.id)));
    const self = await ownerBrowser.post('/firm/settings?/resetPasskeys', {
      memberId: ownMember.id
    });
    expect(self.status).toBe(400);
    expect(await passkeysOf(staff.id)).toHaveLength(2);

    const r = await ownerBrowser.post('/firm/settings?/resetPasskeys', { memberId: member.id });
    expect(r.status).toBe(200);
    expect(await passkeysOf(staff.id)).toEqual([]);
    expect(await passkeysOf(owner.id)).toHaveLength(1);
    const sessions = await db.select().from(s.session).where(eq(s.session.userId, staff.id));
    expect(sessions.every((x) => x.passkeyConfirmedAt === null)).toBe(true);
    const [audit] = await db
      .select()
      .from(s.auditEvent)
      .where(
        and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'member.passkeys_reset'))
      );
    expect(audit).toMatchObject({ actorId: owner.id, subject: `user:${staff.id}` });
    expect(audit.data).toMatchObject({ email: staff.email, removed: 2 });
    // Their next firm page walks them through adding a new passkey.
    const next = await staffBrowser.get('/firm');
    expect(next.location).toBe('/confirm-passkey?next=%2Ffirm');
    expect((await staffBrowser.get('/confirm-passkey?next=%2Ffirm')).text).toContain(
      'Add a passkey to continue'
    );
  });
});
