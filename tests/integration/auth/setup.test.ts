// /setup only works on an empty database, so this file swaps in a fresh one of its own while
// it runs (files in a worker run one at a time) and puts the shared one back afterwards.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getDatabase,
  getDb,
  openDatabase,
  setDatabase,
  type DatabaseHandle
} from '../../../src/lib/server/db/client';
import { migrateDatabase } from '../../../src/lib/server/db/migrate';
import * as s from '../../../src/lib/server/db/schema';
import { isValidSetupToken, issueSetupToken } from '../../../src/lib/server/firm/setup-token';
import { createTestDatabase } from '../../support/postgres';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';
import { mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

let shared: DatabaseHandle;
let fresh: DatabaseHandle;
let drop = async () => {};
let token: string;
/** Issued first, then replaced by `token` (one live setup token at a time). */
let replaced: string;

beforeAll(async () => {
  // The app starts (and issues its own setup token when it finds no firm) on the shared
  // database, before this file swaps in its empty one: one live setup token at a time.
  await new TestBrowser().get('/api/healthz');
  shared = getDatabase();
  setDatabase(undefined);
  if (shared.driver === 'postgres') {
    const created = await createTestDatabase('sheaf_setup');
    drop = created.drop;
    fresh = await openDatabase({ databaseUrl: created.url, poolMax: 3 });
  } else {
    fresh = await openDatabase({ dataDir: 'memory://' });
  }
  await migrateDatabase(fresh);
  replaced = (await issueSetupToken(fresh.db))!;
  token = (await issueSetupToken(fresh.db))!;
});

afterAll(async () => {
  setDatabase(shared);
  await fresh.close();
  await drop();
});

describe('/setup', () => {
  it('answers 404 without the token or with a wrong one', async () => {
    expect((await new TestBrowser().get('/setup')).status).toBe(404);
    expect((await new TestBrowser().get('/setup?token=wrong')).status).toBe(404);
    const post = await new TestBrowser().post('/setup?token=wrong', {
      firmName: 'X',
      ownerName: 'Y',
      email: 'y@example.test'
    });
    expect(post.status).toBe(404);
  });

  it('says a replaced setup link no longer works, and where the live one is', async () => {
    const page = await new TestBrowser().get(`/setup?token=${replaced}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link no longer works');
    expect(page.text).toContain('This setup link was replaced by a newer one, or it expired.');
    expect(page.text).toContain('setup-url.txt');
    const post = await new TestBrowser().post(`/setup?token=${replaced}`, {
      firmName: 'X',
      ownerName: 'Y',
      email: 'y@example.test'
    });
    expect(post.status).toBe(410);
    expect(await getDb().select().from(s.firm)).toHaveLength(0);
  });

  it('explains bad input and creates nothing', async () => {
    const r = await new TestBrowser().post(`/setup?token=${token}`, {
      firmName: '',
      ownerName: 'Ann',
      email: 'nope',
      timeZone: 'Mars/Olympus_Mons'
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Enter the name of your firm.');
    expect(r.text).toContain('Enter a valid email address.');
    expect(r.text).toContain('Choose a time zone from the list.');
    expect(await getDb().select().from(s.firm)).toHaveLength(0);
  });

  it('creates the firm and its owner, signs the owner in at /firm, then answers 404', async () => {
    const browser = new TestBrowser();
    const form = await browser.get(`/setup?token=${token}`);
    expect(form.text).toContain('Set up your firm');
    // The time zone list works without JavaScript: UTC is chosen until the browser says more.
    expect(form.text).toMatch(/<select[^>]*name="timeZone"/);
    expect(form.text).toMatch(/<option value="America\/New_York"[^>]*>New York</);
    expect(form.text).toMatch(/<option value="UTC"[^>]*selected/);
    const r = await browser.post(`/setup?token=${token}`, {
      firmName: 'Smith & Co',
      ownerName: 'Ann Smith',
      email: 'Ann@Smith.example',
      timeZone: 'America/New_York'
    });
    // The setup link came from the server's console: that proves enough to sign in with.
    expect(r.status).toBe(303);
    expect(r.location).toBe('/firm');
    const [firm] = await getDb().select().from(s.firm);
    expect(firm).toMatchObject({
      name: 'Smith & Co',
      slug: 'smith-co',
      timeZone: 'America/New_York',
      // Clients' replies reach the owner until an owner sets another address.
      replyTo: 'ann@smith.example'
    });
    const [owner] = await getDb()
      .select()
      .from(s.user)
      .where(eq(s.user.email, 'ann@smith.example'));
    expect(owner.name).toBe('Ann Smith');
    const [member] = await getDb()
      .select()
      .from(s.membership)
      .where(eq(s.membership.userId, owner.id));
    expect(member).toMatchObject({ firmId: firm.id, role: 'owner' });

    const sessions = await getDb().select().from(s.session).where(eq(s.session.userId, owner.id));
    expect(sessions.map((x) => x.kind)).toEqual(['staff']);
    const dashboard = await browser.get('/firm');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Smith &amp; Co');
    const audits = await getDb()
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.actorId, owner.id));
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['firm.created', 'auth.session_started'])
    );
    expect(audits.find((a) => a.action === 'auth.session_started')?.data).toEqual({
      kind: 'staff',
      via: 'setup'
    });
    // Signed in already: no sign-in link sits in the owner's inbox.
    expect(await mailsTo('ann@smith.example')).toEqual([]);

    expect((await new TestBrowser().get(`/setup?token=${token}`)).status).toBe(404);
    const again = await new TestBrowser().post(`/setup?token=${token}`, {
      firmName: 'Again',
      ownerName: 'Eve',
      email: 'eve@example.test'
    });
    expect(again.status).toBe(404);
    expect(await getDb().select().from(s.firm)).toHaveLength(1);
    // The same browser posting the spent token again gets no second firm or session either.
    expect((await browser.post(`/setup?token=${token}`, { firmName: 'X' })).status).toBe(404);
    expect(
      await getDb().select().from(s.session).where(eq(s.session.userId, owner.id))
    ).toHaveLength(1);
  });
});

describe('issueSetupToken', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
  });
  afterAll(() => scratch.close());

  it('keeps one live setup token: a new one revokes the last, a printed one that still works is kept', async () => {
    const db = scratch.handle.db;
    const live = async () =>
      (
        await db
          .select()
          .from(s.magicLink)
          .where(
            and(
              eq(s.magicLink.purpose, 'setup'),
              isNull(s.magicLink.usedAt),
              gt(s.magicLink.expiresAt, new Date())
            )
          )
      ).length;
    const first = (await issueSetupToken(db))!;
    const second = (await issueSetupToken(db))!;
    expect(second).not.toBe(first);
    expect(await isValidSetupToken(db, first)).toBe(false);
    expect(await isValidSetupToken(db, second)).toBe(true);
    expect(await live()).toBe(1);

    // A restart that finds the link it printed last prints that link again.
    expect(await issueSetupToken(db, second)).toBe(second);
    expect(await isValidSetupToken(db, second)).toBe(true);
    expect(await live()).toBe(1);

    // One that no longer works is not brought back: a fresh one replaces the live one.
    const third = (await issueSetupToken(db, first))!;
    expect([first, second]).not.toContain(third);
    expect(await isValidSetupToken(db, first)).toBe(false);
    expect(await isValidSetupToken(db, second)).toBe(false);
    expect(await isValidSetupToken(db, third)).toBe(true);
    expect(await live()).toBe(1);
  });
});
