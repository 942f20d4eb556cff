import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { createClient, createContact, createFirmWithStaff, signIn } from '../../support/factories';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

const DAY = 86_400_000;
const sessionsOf = (userId: string) =>
  getDb().select().from(s.session).where(eq(s.session.userId, userId));

async function contact() {
  const { firm } = await createFirmWithStaff();
  const client = await createClient(getDb(), firm.id);
  return (await createContact(getDb(), client)).user;
}

describe('sessions', () => {
  it('slide a client session with at most one write a day', async () => {
    const user = await contact();
    const browser = new TestBrowser();
    const session = await signIn(browser, user.id, 'client');
    const old = new Date(Date.now() - 20 * DAY);
    await getDb()
      .update(s.session)
      .set({ expiresAt: new Date(Date.now() + 10 * DAY), lastSeenAt: old, createdAt: old })
      .where(eq(s.session.idHash, session.idHash));
    const first = await browser.get('/account');
    expect(first.status).toBe(200);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE))!;
    expect(cookie).toMatch(/Expires=/);
    const [renewed] = await sessionsOf(user.id);
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29.9 * DAY);
    await browser.get('/account');
    const [again] = await sessionsOf(user.id);
    expect(again.lastSeenAt.getTime()).toBe(renewed.lastSeenAt.getTime());
    expect(again.expiresAt.getTime()).toBe(renewed.expiresAt.getTime());
  });

  it('slide a client session only when fewer than 15 days are left: no write before', async () => {
    const user = await contact();
    const browser = new TestBrowser();
    const session = await signIn(browser, user.id, 'client');
    const sessionCookies = (r: { headers: Headers }) =>
      r.headers.getSetCookie().filter((c) => c.startsWith(`${SESSION_COOKIE}=`));
    // Seen a minute ago, so the daily last_seen_at write is not due either.
    const seen = new Date(Date.now() - 60_000);
    const leave = async (daysLeft: number) =>
      getDb()
        .update(s.session)
        .set({
          createdAt: new Date(Date.now() - 20 * DAY),
          lastSeenAt: seen,
          expiresAt: new Date(Date.now() + daysLeft * DAY)
        })
        .where(eq(s.session.idHash, session.idHash));

    await leave(16);
    const [before] = await sessionsOf(user.id);
    const kept = await browser.get('/account');
    expect(kept.status).toBe(200);
    expect(sessionCookies(kept)).toEqual([]);
    expect(await sessionsOf(user.id)).toEqual([before]);

    await leave(14);
    const renewed = await browser.get('/account');
    expect(renewed.status).toBe(200);
    expect(sessionCookies(renewed)).toHaveLength(1);
    const [after] = await sessionsOf(user.id);
    expect(after.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29.9 * DAY);
  });

  it('last 7 days for staff, never renewed however little is left', async () => {
    const { staff } = await createFirmWithStaff();
    const browser = new TestBrowser();
    const session = await signIn(browser, staff.id, 'staff');
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(7 * DAY);
    // Two days left and last seen two days ago: a client session would slide here.
    const lastSeenAt = new Date(Date.now() - 2 * DAY);
    const expiresAt = new Date(Date.now() + 2 * DAY);
    await getDb()
      .update(s.session)
      .set({ createdAt: new Date(Date.now() - 5 * DAY), lastSeenAt, expiresAt })
      .where(eq(s.session.idHash, session.idHash));
    const r = await browser.get('/account');
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie().filter((c) => c.startsWith(`${SESSION_COOKIE}=`))).toEqual([]);
    const [row] = await sessionsOf(staff.id);
    expect(row.expiresAt.getTime()).toBe(expiresAt.getTime());
    // Only the daily "last seen" moved.
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(lastSeenAt.getTime());

    // At its end it ends.
    await getDb()
      .update(s.session)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.session.idHash, session.idHash));
    const ended = await browser.get('/account');
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/sign-in?next=%2Faccount');
    expect(await sessionsOf(staff.id)).toHaveLength(0);
  });

  it('end a client session 90 days after it began, however often it slid', async () => {
    const user = await contact();
    const browser = new TestBrowser();
    const session = await signIn(browser, user.id, 'client');
    await getDb()
      .update(s.session)
      .set({
        createdAt: new Date(Date.now() - 91 * DAY),
        lastSeenAt: new Date(Date.now() - 2 * DAY),
        expiresAt: new Date(Date.now() + 20 * DAY)
      })
      .where(eq(s.session.idHash, session.idHash));
    const r = await browser.get('/account');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/sign-in?next=%2Faccount');
    expect(await sessionsOf(user.id)).toHaveLength(0);
  });

  it('never slide a client session past 90 days from its start', async () => {
    const user = await contact();
    const browser = new TestBrowser();
    const session = await signIn(browser, user.id, 'client');
    const createdAt = new Date(Date.now() - 80 * DAY);
    await getDb()
      .update(s.session)
      .set({ createdAt, lastSeenAt: createdAt, expiresAt: new Date(Date.now() + 5 * DAY) })
      .where(eq(s.session.idHash, session.idHash));
    const r = await browser.get('/account');
    expect(r.status).toBe(200);
    const [renewed] = await sessionsOf(user.id);
    expect(renewed.expiresAt.getTime()).toBe(createdAt.getTime() + 90 * DAY);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime()).toBe(
      Math.floor(renewed.expiresAt.getTime() / 1000) * 1000
    );
  });

  it('end when expired, and the cookie is cleared', async () => {
    const user = await contact();
    const browser = new TestBrowser();
    const session = await signIn(browser, user.id, 'client');
    await getDb()
      .update(s.session)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.session.idHash, session.idHash));
    const r = await browser.get('/account');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/sign-in?next=%2Faccount');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await sessionsOf(user.id)).toHaveLength(0);
  });
});

describe('many people at once', () => {
  // Session checks of requests that arrive together share one statement (db/session-row.ts):
  // each request must still be its own person's, and a stranger's cookie nobody's.
  it('twenty requests at once each see their own account, an unknown cookie none', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, () => contact()));
    const browsers = await Promise.all(
      people.map(async (person) => {
        const browser = new TestBrowser();
        await signIn(browser, person.id, 'client');
        return browser;
      })
    );
    const stranger = new TestBrowser();
    stranger.cookies.set(SESSION_COOKIE, 'n'.repeat(39));
    const [pages, strangers] = await Promise.all([
      Promise.all(browsers.map((b) => b.get('/account'))),
      stranger.get('/account')
    ]);
    pages.forEach((page, i) => {
      expect(page.status).toBe(200);
      expect(page.text).toContain(people[i].email);
      for (const other of people)
        if (other !== people[i]) expect(page.text).not.toContain(other.email);
    });
    expect(strangers.status).toBe(303);
  });
});

describe('/account', () => {
  it('lists devices with browser, system and this device; renames the user', async () => {
    const { staff } = await createFirmWithStaff();
    const phone = new TestBrowser(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
    );
    const laptop = new TestBrowser(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
    );
    await signIn(phone, staff.id, 'staff');
    await signIn(laptop, staff.id, 'staff');
    const page = await phone.get('/account');
    expect(page.text).toContain('Mobile Safari on iOS 17');
    expect(page.text).toContain('Chrome on Windows');
    expect(page.text).toContain('This device');
    expect(page.text).toContain('Sign out everywhere');

    const bad = await phone.post('/account?/name', { name: '  ' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter your name.');
    const ok = await phone.post('/account?/name', { name: 'Samantha Staff' });
    expect(ok.status).toBe(200);
    const [row] = await getDb().select().from(s.user).where(eq(s.user.id, staff.id));
    expect(row.name).toBe('Samantha Staff');
  });

  it("signs out another device, and refuses someone else's session", async () => {
    const { staff, owner } = await createFirmWithStaff();
    const phone = new TestBrowser();
    const laptop = new TestBrowser();
    await signIn(phone, staff.id, 'staff');
    const laptopSession = await signIn(laptop, staff.id, 'staff');
    const ownerBrowser = new TestBrowser();
    const ownerSession = await signIn(ownerBrowser, owner.id, 'staff');

    const theirs = await phone.post('/account?/signOut', { session: ownerSession.idHash });
    expect(theirs.status).toBe(404);
    expect((await ownerBrowser.get('/account')).status).toBe(200);

    const r = await phone.post('/account?/signOut', { session: laptopSession.idHash });
    expect(r.status).toBe(200);
    expect((await laptop.get('/account')).status).toBe(303);
    expect((await phone.get('/account')).status).toBe(200);
  });

  it('"sign out everywhere" ends every session of the user and clears site data', async () => {
    const { staff, owner } = await createFirmWithStaff();
    const a = new TestBrowser();
    const b = new TestBrowser();
    await signIn(a, staff.id, 'staff');
    await signIn(b, staff.id, 'client');
    const ownerBrowser = new TestBrowser();
    await signIn(ownerBrowser, owner.id, 'staff');
    const r = await a.post('/account?/signOutEverywhere');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/sign-in');
    expect(r.headers.get('clear-site-data')).toContain('"storage"');
    expect(await sessionsOf(staff.id)).toHaveLength(0);
    expect((await b.get('/account')).status).toBe(303);
    expect((await ownerBrowser.get('/account')).status).toBe(200);
    const ended = await getDb()
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.actorId, staff.id));
    expect(ended.map((e) => e.action)).toContain('auth.session_ended');
  });

  it('sign-out (POST /sign-out) deletes this session only', async () => {
    const { staff } = await createFirmWithStaff();
    const a = new TestBrowser();
    const b = new TestBrowser();
    await signIn(a, staff.id, 'staff');
    await signIn(b, staff.id, 'staff');
    expect((await a.get('/sign-out')).status).toBe(200);
    expect(await sessionsOf(staff.id)).toHaveLength(2);
    const r = await a.post('/sign-out');
    expect(r.status).toBe(303);
    expect(a.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await sessionsOf(staff.id)).toHaveLength(1);
    expect((await b.get('/account')).status).toBe(200);
  });

  it('sends the signed-out to sign in', async () => {
    const r = await new TestBrowser().get('/account');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/sign-in?next=%2Faccount');
  });
});
