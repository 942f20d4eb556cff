import { eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { hashToken } from '../../../src/lib/server/auth/token';
import { rateLimitKey } from '../../../src/lib/server/auth/rate-limit';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createUser,
  signIn,
  unique
} from '../../support/factories';
import { latestMailTo, linkPathOf, mailsTo } from '../../support/mail';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';
import { textOf } from '../../support/html';

async function signInThroughMail(email: string, next?: string) {
  const browser = new TestBrowser();
  const asked = await browser.post(
    next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in',
    { email }
  );
  expect(asked.status).toBe(200);
  expect(asked.text).toContain('Check your email');
  const mail = await latestMailTo(email);
  return { browser, mail, path: linkPathOf(mail) };
}

describe('sign-in by email link', () => {
  it('mails a staff member a link and a code; the link signs them in to /firm', async () => {
    const { firm, staff } = await createFirmWithStaff();
    const { browser, mail, path } = await signInThroughMail(staff.email);
    expect(mail.text).toMatch(/\b\d{6}\b/);
    expect(mail.subject).toContain(firm.name);

    const page = await new TestBrowser().get(path);
    expect(page.status).toBe(200);
    expect(textOf(page.text)).toContain(`Continue as ${staff.email[0]}•••@example.test`);
    expect(page.text).toContain(firm.name);
    expect(page.text).toContain('your firm workspace');

    const done = await browser.post(path);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/firm');
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // ORIGIN is http in tests

    const token = browser.cookies.get(SESSION_COOKIE)!;
    const sessions = await getDb().select().from(s.session).where(eq(s.session.userId, staff.id));
    expect(sessions).toHaveLength(1);
    expect(sessions[0].kind).toBe('staff');
    expect(sessions[0].idHash).toBe(hashToken(token));
    expect(JSON.stringify(sessions)).not.toContain(token);

    const home = await browser.get('/firm');
    expect(home.status).toBe(200);
    expect(home.text).toContain(firm.name);

    const audit = await getDb()
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.actorId, staff.id));
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['auth.link_sent', 'auth.link_used', 'auth.session_started'])
    );
    const used = audit.find((a) => a.action === 'auth.link_used')!;
    expect(used.ip).toBe(browser.ip);
    expect(used.ua).toBe(browser.userAgent);
  });

  it('signs a client contact in to /p with a 30-day client session', async () => {
    const { firm } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const { user } = await createContact(getDb(), client);
    const { browser, path } = await signInThroughMail(user.email);
    const done = await browser.post(path);
    expect(done.location).toBe('/p');
    const [row] = await getDb().select().from(s.session).where(eq(s.session.userId, user.id));
    expect(row.kind).toBe('client');
    const days = (row.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
  });

  it('honours a safe ?next= and refuses open redirects', async () => {
    const { staff } = await createFirmWithStaff();
    const first = await signInThroughMail(staff.email, '/firm/clients');
    expect((await first.browser.post(first.path)).location).toBe('/firm/clients');
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const other = await createFirmWithStaff();
      const { browser, path } = await signInThroughMail(other.staff.email, evil);
      const done = await browser.post(path);
      expect(done.location).toBe('/firm');
    }
  });

  it('ignores a ?next= no Location header can carry (non-ASCII), signed in or not', async () => {
    const next = '/%E3%80%82evil';
    const { staff } = await createFirmWithStaff();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const signedIn = await browser.get(`/sign-in?next=${next}`);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/account');
    const page = await new TestBrowser().get(`/sign-in?next=${next}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('evil');
    const { browser: asker, path } = await signInThroughMail(staff.email, '/\u3002evil');
    expect((await asker.post(path)).location).toBe('/firm');
  });

  it('answers a known and an unknown address identically: status, headers and body', async () => {
    // The same address, asked for before and after it gets access, so only existence differs.
    const email = `${unique('later')}@example.test`;
    const answer = async () => {
      await getDb().delete(s.rateLimit).where(like(s.rateLimit.key, 'signin-addr%'));
      const r = await new TestBrowser().post('/sign-in', { email });
      // Dynamic per response whatever the address: the date, the CSP nonce (and the body's
      // ETag, which hashes the nonce) and the fresh binding cookie's value.
      const headers = [...r.headers.entries()]
        .filter(([k]) => !['date', 'set-cookie', 'etag'].includes(k))
        .map(([k, v]) => [k, v.replace(/nonce-[^']+/g, 'nonce-X')]);
      const cookies = r.headers.getSetCookie().map((c) => c.replace(/=[^;]+/, '=X'));
      const body = r.text.replace(/nonce="[^"]+"/g, 'nonce="X"');
      return { status: r.status, headers, cookies, body };
    };
    const unknown = await answer();
    expect(await mailsTo(email)).toHaveLength(0);
    const { firm } = await createFirmWithStaff();
    const u = await createUser(getDb(), { email });
    await getDb().insert(s.membership).values({ firmId: firm.id, userId: u.id, role: 'staff' });
    const known = await answer();
    expect(await mailsTo(email)).toHaveLength(1);
    expect(known).toEqual(unknown);
  });

  it('sends nothing to a user without a membership or an active contact', async () => {
    const loner = await createUser();
    const r = await new TestBrowser().post('/sign-in', { email: loner.email });
    expect(r.text).toContain('Check your email');
    expect(await mailsTo(loner.email)).toHaveLength(0);
  });

  it('explains a bad address and sends nothing', async () => {
    const r = await new TestBrowser().post('/sign-in', { email: 'not an address' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('That does not look like an email address.');
    const empty = await new TestBrowser().post('/sign-in', { email: '' });
    expect(empty.text).toContain('Enter your email address.');
  });

  it('revokes the older sign-in link when a newer one is sent', async () => {
    const { staff } = await createFirmWithStaff();
    const browser = new TestBrowser();
    await browser.post('/sign-in', { email: staff.email });
    const older = linkPathOf(await latestMailTo(staff.email));
    // Skip the per-address minute limit by backdating the bucket.
    await getDb()
      .delete(s.rateLimit)
      .where(eq(s.rateLimit.key, rateLimitKey('signin-addr-m', staff.email)));
    await browser.post('/sign-in', { email: staff.email });
    const newer = linkPathOf(await latestMailTo(staff.email));
    expect(newer).not.toBe(older);
    expect((await browser.get(older)).text).toContain('This link has expired');
    expect((await browser.post(newer)).status).toBe(303);
  });
});
