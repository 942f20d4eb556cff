import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { generateToken, hashToken } from '../../../src/lib/server/auth/token';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
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

  it('tells used, expired and unknown links apart, and starts no session for any', async () => {
    const { user, link, path } = await contactWithPacketLink();
    expect((await new TestBrowser().post(path)).status).toBe(303);
    const expired = await issueMagicLink(getDb(), {
      userId: user.id,
      purpose: 'sign_in',
      redirectTo: '/p',
      ttlMs: -1000
    });
    // Five wrong codes kill a link: nobody used it, so it reads as expired.
    const killed = await issueMagicLink(getDb(), {
      userId: user.id,
      purpose: 'packet',
      redirectTo: '/p'
    });
    await getDb()
      .update(s.magicLink)
      .set({ attempts: 5, usedAt: new Date() })
      .where(eq(s.magicLink.id, killed.id));
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
    const used = 'This link was already used';
    const expiredHeading = 'This link has expired';
    const unknown = 'This link is not valid';
    const cases = [
      { path, status: 410, heading: used },
      { path: `/l/${expired.token}`, status: 410, heading: expiredHeading },
      { path: `/l/${killed.token}`, status: 410, heading: expiredHeading },
      { path: `/l/${tampered}`, status: 404, heading: unknown },
      { path: `/l/${setupToken}`, status: 404, heading: unknown },
      { path: '/l/x', status: 404, heading: unknown }
    ];
    for (const c of cases) {
      const browser = new TestBrowser();
      const page = await browser.get(c.path);
      expect(page.status, c.path).toBe(200);
      const post = await browser.post(c.path);
      expect(post.status, c.path).toBe(c.status);
      for (const r of [page, post]) {
        expect(r.text).toContain(`<title>${c.heading} · Sheaf</title>`);
        expect(r.text).toContain(`<h1>${c.heading}</h1>`);
        for (const other of [used, expiredHeading, unknown].filter((h) => h !== c.heading)) {
          expect(r.text).not.toContain(other);
        }
        // Used and expired: one tap mails a fresh link. Unknown: nobody to mail; sign in.
        expect(r.text.includes('Email me a new link'), c.path).toBe(c.heading !== unknown);
        expect(r.text).toContain('href="/sign-in"');
        expect(r.text).not.toContain(user.email);
      }
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

  it("says the same to a browser signed in as someone else, even the link's firm", async () => {
    const { firm, client, user, path } = await contactWithPacketLink();
    await new TestBrowser().post(path);
    const colleague = await createContact(getDb(), client, { name: 'Other Contact' });
    const [owner] = await getDb()
      .select({ userId: s.membership.userId })
      .from(s.membership)
      .where(eq(s.membership.firmId, firm.id));
    const browsers = [new TestBrowser(), new TestBrowser()];
    await signIn(browsers[0], colleague.user.id, 'client');
    await signIn(browsers[1], owner.userId, 'staff');
    const sessions = (await sessionsOf(user.id)).length;
    for (const b of browsers) {
      const token = b.cookies.get(SESSION_COOKIE);
      const page = await b.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('This link was already used');
      const post = await b.post(path);
      expect(post.status).toBe(410);
      expect(post.text).toContain('This link was already used');
      expect(b.cookies.get(SESSION_COOKIE)).toBe(token);
    }
    expect(await sessionsOf(user.id)).toHaveLength(sessions);
  });

  it('records the re-open, and leaves the link as it was', async () => {
    const { user, packet, link, path } = await contactWithPacketLink();
    const phone = new TestBrowser();
    await phone.post(path);
    const row = () => getDb().select().from(s.magicLink).where(eq(s.magicLink.id, link.id));
    const [used] = await row();
    await phone.get(path);
    expect(await row()).toEqual([used]);
    const audit = await getDb()
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.actorId, user.id), eq(s.auditEvent.action, 'auth.link_reopened')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      subject: `packet:${packet.id}`,
      data: { purpose: 'packet', state: 'used' }
    });
  });

  it('opens an unused or expired link, unconsumed, when its person is signed in here', async () => {
    const { firm, user, packet, path } = await contactWithPacketLink();
    const phone = new TestBrowser();
    await signIn(phone, user.id, 'client');
    const sessions = (await sessionsOf(user.id)).length;
    for (const method of ['GET', 'HEAD']) {
      const r = await phone.request(method, path);
      expect(r.status).toBe(303);
      expect(r.location).toBe(`/p/${packet.id}`);
    }
    expect(await sessionsOf(user.id)).toHaveLength(sessions);
    // Still unused: the contact's other phone can still tap it.
    expect((await new TestBrowser().post(path)).location).toBe(`/p/${packet.id}`);

    const late = await issueMagicLink(getDb(), {
      userId: user.id,
      purpose: 'packet',
      firmId: firm.id,
      packetId: packet.id,
      redirectTo: `/p/${packet.id}`,
      ttlMs: -1000
    });
    const r = await phone.get(`/l/${late.token}`);
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/p/${packet.id}`);
    const elsewhere = await new TestBrowser().get(`/l/${late.token}`);
    expect(elsewhere.text).toContain('This link has expired');
  });

  it("sends staff on with a staff session; the same person's client session is not enough", async () => {
    const { staff } = await createFirmWithStaff();
    const laptop = new TestBrowser();
    await laptop.post('/sign-in', { email: staff.email });
    const path = linkPathOf(await latestMailTo(staff.email));
    expect((await laptop.post(path)).location).toBe('/firm');
    const mails = (await mailsTo(staff.email)).length;
    const sessions = (await sessionsOf(staff.id)).length;
    for (const tap of [() => laptop.get(path), () => laptop.post(path)]) {
      const r = await tap();
      expect(r.status).toBe(303);
      expect(r.location).toBe('/firm');
    }
    expect(await sessionsOf(staff.id)).toHaveLength(sessions);
    expect(await mailsTo(staff.email)).toHaveLength(mails);

    const phone = new TestBrowser();
    await signIn(phone, staff.id, 'client');
    const page = await phone.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This link was already used');
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
