import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { generateToken, hashToken } from '../../../src/lib/server/auth/token';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';
import { latestMailTo, linkPathOf, mailsTo } from '../../support/mail';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

async function contactWithPacketLink() {
  const { firm } = await createFirmWithStaff();
  const client = await createClient(getDb(), firm.id);
  const { user, contact } = await createContact(getDb(), client, { name: 'Jane Doe' });
  const packet = await createPacket(getDb(), client, {
    title: 'Quarterly review',
    period: '2026-Q3'
  });
  const link = await issueMagicLink(getDb(), {
    userId: user.id,
    purpose: 'packet',
    firmId: firm.id,
    packetId: packet.id,
    redirectTo: `/p/${packet.id}`
  });
  return { firm, client, user, contact, packet, link, path: `/l/${link.token}` };
}

async function sessionsOf(userId: string) {
  return getDb().select().from(s.session).where(eq(s.session.userId, userId));
}

describe('GET /l/[token]: the confirm page', () => {
  it('names the firm, what the link opens and the masked address, and never consumes', async () => {
    const { firm, user, path } = await contactWithPacketLink();
    for (const ua of ['Mozilla/5.0 (compatible; Microsoft Outlook SafeLinks)', 'curl/8.0', '']) {
      const scanner = new TestBrowser(ua);
      expect((await scanner.get(path)).status).toBe(200);
      expect((await scanner.request('HEAD', path)).status).toBe(200);
      expect(scanner.cookies.has(SESSION_COOKIE)).toBe(false);
    }
    const page = await new TestBrowser().get(path);
    expect(page.text).toContain(`Continue as ${user.email[0]}•••@example.test`);
    expect(page.text).toContain('Q3 2026 · Quarterly review');
    expect(page.text).toContain(firm.name);
    expect(page.text).toMatch(/<button[^>]*>(<!---->)?Continue(<!---->)?<\/button>/);
    expect(await sessionsOf(user.id)).toHaveLength(0);

    const browser = new TestBrowser();
    const done = await browser.post(path);
    expect(done.status).toBe(303);
    expect(done.location).toMatch(/^\/p\//);
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });

  it('shows the expired page and starts no session for replayed, tampered, expired and wrong-purpose tokens', async () => {
    const { user, link, path } = await contactWithPacketLink();
    expect((await new TestBrowser().post(path)).status).toBe(303);
    const expired = await issueMagicLink(getDb(), {
      userId: user.id,
      purpose: 'sign_in',
      redirectTo: '/p',
      ttlMs: -1000
    });
    const setupToken = generateToken();
    await getDb()
      .insert(s.magicLink)
      .values({
        tokenHash: hashToken(setupToken),
        purpose: 'setup',
        redirectTo: '/firm',
        expiresAt: new Date(Date.now() + 3600_000)
      });
    const tampered = link.token.slice(0, -2) + (link.token.endsWith('aa') ? 'bb' : 'aa');
    const before = (await sessionsOf(user.id)).length;
    for (const bad of [path, `/l/${tampered}`, `/l/${expired.token}`, `/l/${setupToken}`, '/l/x']) {
      const browser = new TestBrowser();
      const page = await browser.get(bad);
      expect(page.text).toContain('This link has expired');
      expect(page.text).toContain('Email me a new link');
      const post = await browser.post(bad);
      expect(post.status).toBe(410);
      expect(post.text).toContain('This link has expired');
      expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    }
    expect(await sessionsOf(user.id)).toHaveLength(before);
  });

  it('lets exactly one of two simultaneous taps consume a link', async () => {
    const { user, path } = await contactWithPacketLink();
    const results = await Promise.all([new TestBrowser().post(path), new TestBrowser().post(path)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410]);
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });

  it('auto-continues only in the browser holding the binding cookie', async () => {
    const { staff } = await createFirmWithStaff();
    const asker = new TestBrowser();
    await asker.post('/sign-in', { email: staff.email });
    const path = linkPathOf(await latestMailTo(staff.email));
    expect((await asker.get(path)).text).toContain('autoContinue:true');
    expect((await new TestBrowser().get(path)).text).toContain('autoContinue:false');
  });
});

describe('A re-tapped link', () => {
  it("takes a browser signed in as the link's contact straight to the packet", async () => {
    const { user, packet, path } = await contactWithPacketLink();
    const phone = new TestBrowser();
    expect((await phone.post(path)).location).toBe(`/p/${packet.id}`);
    const token = phone.cookies.get(SESSION_COOKIE);
    const sessions = (await sessionsOf(user.id)).map((r) => r.idHash);
    const mails = (await mailsTo(user.email)).length;

    const again = await phone.get(path);
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/p/${packet.id}`);
    // Continue on a confirm page opened before the first tap: the same, not an error.
    const tapped = await phone.post(path);
    expect(tapped.status).toBe(303);
    expect(tapped.location).toBe(`/p/${packet.id}`);

    expect(phone.cookies.get(SESSION_COOKIE)).toBe(token);
    expect((await sessionsOf(user.id)).map((r) => r.idHash)).toEqual(sessions);
    expect(await mailsTo(user.email)).toHaveLength(mails);
  });

  it('says "This link was already used" to a browser without that session', async () => {
    const { user, path } = await contactWithPacketLink();
    await new TestBrowser().post(path);
    const other = new TestBrowser();
    const page = await other.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This link was already used');
    expect(page.text).not.toContain('This link has expired');
    expect(page.text).toContain('Email me a new link');
    expect(page.text).not.toContain(user.email);
    const post = await other.post(path);
    expect(post.text).toContain('This link was already used');
    expect(other.cookies.has(SESSION_COOKIE)).toBe(false);
  });
});

describe('"Email me a new link"', () => {
  it("mails a fresh packet link to the old link's address, revealing nothing", async () => {
    const { user, path, packet } = await contactWithPacketLink();
    await new TestBrowser().post(path); // used
    const browser = new TestBrowser();
    const r = await browser.post(`${path}/renew`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('Check your email');
    expect(r.text).not.toContain(user.email);
    const mail = await latestMailTo(user.email);
    expect(mail.subject).toContain('Quarterly review');
    const fresh = linkPathOf(mail);
    expect(fresh).not.toBe(path);
    const done = await new TestBrowser().post(fresh);
    expect(done.location).toBe(`/p/${packet.id}`);
  });

  it('answers an unknown token the same way and sends nothing', async () => {
    // Renewal mails only: other test files share the database and queue mail of their own.
    const renewals = () =>
      getDb()
        .select({ id: s.outbox.id })
        .from(s.outbox)
        .where(
          sql`${s.outbox.payload}->>'subject' like 'New link:%' or ${s.outbox.payload}->>'subject' like 'Your new sign-in link%'`
        );
    const before = await renewals();
    const r = await new TestBrowser().post(`/l/${generateToken()}/renew`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('Check your email');
    expect((await renewals()).length).toBe(before.length);
  });

  it('is rate-limited per old link, with a 429 page that says when to try again', async () => {
    const { user, path } = await contactWithPacketLink();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await new TestBrowser().post(`${path}/renew`));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2].text).toMatch(/Please try again in \d+ minutes?/);
    expect(Number(statuses[2].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await mailsTo(user.email)).toHaveLength(2);
  });
});

describe('issueMagicLink', () => {
  it('refuses redirect targets off this site', async () => {
    const { staff } = await createFirmWithStaff();
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      await expect(
        issueMagicLink(getDb(), { userId: staff.id, purpose: 'sign_in', redirectTo: evil })
      ).rejects.toThrow(/relative path/);
    }
  });
});
