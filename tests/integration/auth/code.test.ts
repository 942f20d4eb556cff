import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { rateLimitKey } from '../../../src/lib/server/auth/rate-limit';
import { createFirmWithStaff, unique } from '../../support/factories';
import { codeOf, latestMailTo, linkPathOf } from '../../support/mail';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

async function requested() {
  const { staff } = await createFirmWithStaff();
  const browser = new TestBrowser();
  await browser.post('/sign-in', { email: staff.email });
  const mail = await latestMailTo(staff.email);
  return { staff, browser, code: codeOf(mail), path: linkPathOf(mail) };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('/sign-in/code', () => {
  it('signs in the browser that asked, with the right code', async () => {
    const { staff, browser, code } = await requested();
    const page = await browser.get('/sign-in/code');
    expect(page.text).toContain('Type the 6-digit code');
    const r = await browser.post('/sign-in/code', { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/firm');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    const [row] = await getDb().select().from(s.session).where(eq(s.session.userId, staff.id));
    expect(row.kind).toBe('staff');
  });

  it('does not sign in another browser holding the same code', async () => {
    const { staff, code, browser } = await requested();
    const other = new TestBrowser();
    const r = await other.post('/sign-in/code', { code });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Codes only work in the browser that asked');
    // A browser that asked for its own (unknown-address) link cannot use it either.
    await other.post('/sign-in', { email: 'someone-else@example.test' });
    expect((await other.post('/sign-in/code', { code })).status).toBe(400);
    expect(
      await getDb().select().from(s.session).where(eq(s.session.userId, staff.id))
    ).toHaveLength(0);
    expect((await browser.post('/sign-in/code', { code })).status).toBe(303);
  });

  it('kills link and code after 5 wrong tries', async () => {
    const { staff, browser, code, path } = await requested();
    for (let i = 0; i < 5; i++) {
      const r = await browser.post('/sign-in/code', { code: wrong(code) });
      expect(r.status).toBe(400);
      expect(r.text).toContain("That code isn't right");
    }
    const right = await browser.post('/sign-in/code', { code });
    expect(right.status).not.toBe(303);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await new TestBrowser().get(path)).text).toContain('This link has expired');
    expect((await new TestBrowser().post(path)).status).toBe(410);
    const failed = await getDb()
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.action, 'auth.code_failed'));
    expect(failed.filter((f) => f.ip === browser.ip)).toHaveLength(5);
    expect(
      await getDb().select().from(s.session).where(eq(s.session.userId, staff.id))
    ).toHaveLength(0);
  });

  it('stops code guessing with a 429 page after 5 attempts', async () => {
    const { browser, code } = await requested();
    for (let i = 0; i < 5; i++) await browser.post('/sign-in/code', { code: wrong(code) });
    const r = await browser.post('/sign-in/code', { code: wrong(code) });
    expect(r.status).toBe(429);
    expect(r.text).toMatch(/try again in \d+ minutes?/);
  });

  it('explains input that is not 6 digits', async () => {
    const { browser } = await requested();
    const r = await browser.post('/sign-in/code', { code: '12ab' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Enter the 6 digits from the email.');
  });

  it('caps code attempts per address at 10 a day across links, saying so; the link still works', async () => {
    const { staff } = await createFirmWithStaff();
    const ghost = `${unique('ghost')}@example.test`;
    /** A fresh sign-in request from a browser of its own (another IP), as a spray would be. */
    const ask = async (email: string) => {
      await getDb()
        .delete(s.rateLimit)
        .where(eq(s.rateLimit.key, rateLimitKey('signin-addr-m', email)));
      const browser = new TestBrowser();
      expect((await browser.post('/sign-in', { email })).status).toBe(200);
      return browser;
    };
    const answers = { known: [] as string[], unknown: [] as string[] };
    for (let round = 0; round < 3; round++) {
      const [known, unknown] = [await ask(staff.email), await ask(ghost)];
      const code = codeOf(await latestMailTo(staff.email));
      // Two links' worth of wrong tries (5 each kills a link), then one more on a third link.
      for (let i = 0; i < (round < 2 ? 5 : 1); i++) {
        for (const [who, browser] of [
          ['known', known],
          ['unknown', unknown]
        ] as const) {
          const r = await browser.post('/sign-in/code', {
            code: round < 2 ? wrong(code) : code
          });
          const message = r.text.match(/role="alert">([^<]*)</)?.[1] ?? '';
          answers[who].push(`${r.status} ${message}`);
        }
      }
      if (round === 2) {
        // The right code on a live link, past the cap: refused, with what to do instead.
        expect(answers.known.at(-1)).toMatch(
          /^429 Too many codes were tried for this address today\. Tap the button in the email instead, or try a code again in \d+ hours?\.$/
        );
        expect(known.cookies.has(SESSION_COOKIE)).toBe(false);
        expect((await known.post(linkPathOf(await latestMailTo(staff.email)))).status).toBe(303);
      }
    }
    // An address without access gets the very same answers: the cap reveals no account.
    expect(answers.unknown.map((a) => a.replace(/\d+ hours?/, 'N hours'))).toEqual(
      answers.known.map((a) => a.replace(/\d+ hours?/, 'N hours'))
    );
    expect(answers.known.slice(0, 10).every((a) => a.startsWith('400 '))).toBe(true);
  });
});
