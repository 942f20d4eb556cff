// /setup only works on an empty database, so this file swaps in a fresh one of its own while
// it runs (files in a worker run one at a time) and puts the shared one back afterwards.
import { eq } from 'drizzle-orm';
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
import { issueSetupToken } from '../../../src/lib/server/setup';
import { createTestDatabase } from '../../support/postgres';
import { latestMailTo, linkPathOf } from '../../support/mail';
import { TestBrowser } from '../../support/server';

let shared: DatabaseHandle;
let fresh: DatabaseHandle;
let drop = async () => {};
let token: string;

beforeAll(async () => {
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

  it('creates the firm and its owner, mails the owner a link, then answers 404', async () => {
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
    expect(r.status).toBe(200);
    expect(r.text).toContain('We sent a sign-in link to <strong>a•••@smith.example</strong>');
    expect(r.text).toContain('href="/dev/mailbox"');
    const [firm] = await getDb().select().from(s.firm);
    expect(firm).toMatchObject({
      name: 'Smith & Co',
      slug: 'smith-co',
      timeZone: 'America/New_York'
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

    const mail = await latestMailTo('ann@smith.example');
    expect(mail.text).toMatch(/This link works until .+ E[SD]T\./);
    const done = await new TestBrowser().post(linkPathOf(mail));
    expect(done.location).toBe('/firm');

    expect((await new TestBrowser().get(`/setup?token=${token}`)).status).toBe(404);
    const again = await new TestBrowser().post(`/setup?token=${token}`, {
      firmName: 'Again',
      ownerName: 'Eve',
      email: 'eve@example.test'
    });
    expect(again.status).toBe(404);
    expect(await getDb().select().from(s.firm)).toHaveLength(1);
  });
});
