// Sign-in, sessions and rate limits across two instances on one PostgreSQL database: nothing
// about a visitor may live in one process. Instance A and B are reached directly (each browser
// its own X-Forwarded-For address, ADDRESS_HEADER set by startCluster) or through the proxy.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { hashToken } from '../../../src/lib/server/auth/token';
import { openClusterDb, startCluster, type Cluster } from '../../support/cluster';
import { createClient, createContact, createFirmWithStaff, unique } from '../../support/factories';
import { waitForMail } from '../../support/mailbox';
import { SoftAuthenticator } from '../../support/webauthn';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';
import type { Db } from '../../../src/lib/server/db/client';
import { selectOutbox } from '../../support/outbox';

let cluster: Cluster;
let db: Db;
let closeDb: () => Promise<void>;
let A: string;
let B: string;

beforeAll(async () => {
  // No Postmark token: each instance's worker delivers into the shared dev mailbox (a table),
  // readable at /dev/mailbox.json of either instance.
  cluster = await startCluster({ instances: 2, env: { MAIL_TRANSPORT: 'mailbox' } });
  [A, B] = cluster.instances.map((i) => i.url);
  ({ db, close: closeDb } = openClusterDb(cluster.databaseUrl));
}, 180_000);

afterAll(async () => {
  await closeDb?.();
  await cluster?.stop();
});

/** A browser talking to one instance (or the proxy), with the cluster's public Origin. */
function browserAt(base: string): TestBrowser {
  const browser = new TestBrowser();
  browser.base = base;
  browser.origin = cluster.url;
  return browser;
}

/** The same browser (cookies, address) pointed at another instance. */
function at(browser: TestBrowser, base: string): TestBrowser {
  browser.base = base;
  return browser;
}

const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

describe('two instances share sign-in state', () => {
  it('a sign-in asked for on instance A is finished on instance B; the session works on both', async () => {
    const { firm, staff } = await createFirmWithStaff(db);
    const asked = new Date(Date.now() - 1000);
    const browser = browserAt(A);
    const sent = await browser.post('/sign-in', { email: staff.email });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Check your email');

    // Either instance's worker may deliver it; the mailbox is the shared database, read here
    // through the proxy (ADDRESS_HEADER is set, so a request without X-Forwarded-For is refused).
    const mail = await waitForMail(cluster.url, staff.email, { after: asked });
    expect(mail.link).toBeTruthy();
    // The link points at the public origin (the proxy), not at the instance that made it.
    expect(new URL(mail.link!).origin).toBe(cluster.url);

    at(browser, B);
    const confirm = await browser.get(pathOf(mail.link!));
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(firm.name);
    // The binding cookie set by A is recognised by B: this browser may continue by itself.
    const done = await browser.post(pathOf(mail.link!));
    expect(done.status).toBe(303);
    expect(done.location).toBe('/firm');
    const token = browser.cookies.get(SESSION_COOKIE)!;
    expect(token).toBeTruthy();

    for (const base of [A, B, A, B]) {
      const home = await at(browser, base).get('/firm');
      expect(home.status, base).toBe(200);
      expect(home.text).toContain(firm.name);
    }
    // The link is spent everywhere: a second use at A fails.
    const again = await browserAt(A).post(pathOf(mail.link!));
    expect(again.status).toBe(410);

    const [session] = await db
      .select()
      .from(s.session)
      .where(eq(s.session.idHash, hashToken(token)));
    expect(session).toMatchObject({ userId: staff.id, kind: 'staff' });
  });

  it('signs in through the proxy, whichever instance answers each step', async () => {
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const asked = new Date(Date.now() - 1000);
    const browser = browserAt(cluster.url);
    const before = [...cluster.proxy.counts];
    expect((await browser.post('/sign-in', { email: user.email })).status).toBe(200);
    const mail = await waitForMail(cluster.url, user.email, { after: asked });
    expect((await browser.get(pathOf(mail.link!))).status).toBe(200);
    const done = await browser.post(pathOf(mail.link!));
    expect(done.status).toBe(303);
    expect(done.location).toBe('/p');
    for (let i = 0; i < 4; i++) expect((await browser.get('/p')).status).toBe(200);
    // Seven requests alternate between the two instances.
    const served = cluster.proxy.counts.map((n, i) => n - (before[i] ?? 0));
    expect(served.every((n) => n >= 3)).toBe(true);
  });

  it('the six-digit code asked for on A is accepted on B', async () => {
    const { staff } = await createFirmWithStaff(db);
    const asked = new Date(Date.now() - 1000);
    const browser = browserAt(A);
    expect((await browser.post('/sign-in', { email: staff.email })).status).toBe(200);
    const mail = await waitForMail(cluster.url, staff.email, { after: asked });
    expect(mail.code).toMatch(/^\d{6}$/);
    const entered = await at(browser, B).post('/sign-in/code', {
      email: staff.email,
      code: mail.code!
    });
    expect(entered.status).toBe(303);
    expect((await at(browser, A).get('/firm')).status).toBe(200);
  });
});

describe('two instances share sessions', () => {
  async function signedIn() {
    const { firm, staff } = await createFirmWithStaff(db);
    const asked = new Date(Date.now() - 1000);
    const browser = browserAt(A);
    await browser.post('/sign-in', { email: staff.email });
    const mail = await waitForMail(cluster.url, staff.email, { after: asked });
    expect((await browser.post(pathOf(mail.link!))).status).toBe(303);
    return { firm, staff, browser, mail };
  }

  it('a session made on A is valid on B; signing out on B ends it on both', async () => {
    const { firm, browser } = await signedIn();
    const token = browser.cookies.get(SESSION_COOKIE)!;
    expect((await at(browser, B).get('/account')).status).toBe(200);
    expect((await at(browser, A).get('/account')).status).toBe(200);

    const out = await at(browser, B).post('/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/sign-in');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);

    // A stolen copy of the old cookie is worth nothing on either instance.
    for (const base of [A, B]) {
      const thief = browserAt(base);
      thief.cookies.set(SESSION_COOKIE, token);
      const firmPage = await thief.get('/firm');
      expect(firmPage.status, base).toBe(303);
      expect(firmPage.location).toContain('/sign-in');
      expect(firmPage.text).not.toContain(firm.name);
    }
  });

  it('"sign out everywhere" on A ends sessions that were started on B', async () => {
    const first = await signedIn();
    // A second device of the same person signs in on B.
    const asked = new Date(Date.now() - 1000);
    const phone = browserAt(B);
    // The per-address limit is one mail a minute: clear it (this test is about sessions).
    await db.delete(s.rateLimit);
    await phone.post('/sign-in', { email: first.staff.email });
    // `asked` allows a second of clock slack, which may take in the first sign-in's mail.
    const mail = await waitForMail(cluster.url, first.staff.email, {
      after: asked,
      except: [first.mail]
    });
    expect((await phone.post(pathOf(mail.link!))).status).toBe(303);
    expect((await at(phone, A).get('/firm')).status).toBe(200);

    const everywhere = await at(first.browser, A).post('/account?/signOutEverywhere');
    expect(everywhere.status).toBe(303);
    for (const base of [A, B]) {
      expect((await at(phone, base).get('/firm')).status, base).toBe(303);
      expect((await at(first.browser, base).get('/firm')).status, base).toBe(303);
    }
  });
});

describe('rate limits count across both instances', () => {
  it('one sign-in mail a minute per address: a second request at the other instance is refused', async () => {
    const { staff } = await createFirmWithStaff(db);
    // Different client addresses, so only the per-address bucket is shared.
    const first = await browserAt(A).post('/sign-in', { email: staff.email });
    expect(first.status).toBe(200);
    const second = await browserAt(B).post('/sign-in', { email: staff.email });
    expect(second.status).toBe(429);
    expect(second.text).toContain('Please wait a moment');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Exactly one mail was queued for the address.
    const queued = await selectOutbox(db).where(eq(s.outbox.kind, 'sign_in'));
    expect(queued.filter((r) => (r.payload as { to: string }).to === staff.email)).toHaveLength(1);
  });

  it('30 sign-in requests an hour per client address, wherever they land', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const browser = browserAt(i % 2 ? B : A);
      browser.ip = ip;
      statuses.push(
        (await browser.post('/sign-in', { email: `${unique('ip')}@example.test` })).status
      );
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(statuses[30]).toBe(429);
  });

  it('concurrent requests for one address on both instances send one mail', async () => {
    const email = `${unique('race')}@example.test`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => browserAt(i % 2 ? B : A).post('/sign-in', { email }))
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(429)]);
  });
});

describe('two instances share passkey challenges', () => {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const post = (browser: TestBrowser, path: string, body: unknown = {}) =>
    browser.request('POST', path, { body: JSON.stringify(body), headers: json });

  it('a challenge issued by instance A is answered on instance B, and only once', async () => {
    const { staff } = await createFirmWithStaff(db);
    await db.insert(s.session).values({
      idHash: hashToken(`cluster-passkey-${staff.id}`),
      userId: staff.id,
      kind: 'staff',
      expiresAt: new Date(Date.now() + 86_400_000)
    });
    const browser = browserAt(A);
    browser.cookies.set(SESSION_COOKIE, `cluster-passkey-${staff.id}`);
    const authenticator = new SoftAuthenticator(cluster.url);
    const created = await post(browser, '/api/passkeys/register/options');
    expect(created.status).toBe(200);
    const registered = await post(at(browser, B), '/api/passkeys/register', {
      response: authenticator.register(created.json())
    });
    expect(registered.status).toBe(200);

    const signedOut = browserAt(A);
    const options = await post(signedOut, '/api/passkeys/sign-in/options');
    const response = authenticator.assert(options.json());
    const replay = new TestBrowser();
    replay.base = A;
    replay.origin = cluster.url;
    replay.cookies = new Map(signedOut.cookies);
    const signedIn = await post(at(signedOut, B), '/api/passkeys/sign-in', { response });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json()).toEqual({ redirectTo: '/firm' });
    // The same answer, with the same cookies, on the other instance: the challenge is gone.
    const again = await post(replay, '/api/passkeys/sign-in', { response });
    expect(again.status).toBe(400);
    expect((await at(signedOut, A).get('/firm')).status).toBe(200);
  });
});
