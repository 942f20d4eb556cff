import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { formatWeekdayDate } from '../../../src/lib/format/dates';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { nudgeContacts } from '../../../src/lib/server/packets/nudge';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { generateToken, hashToken } from '../../../src/lib/server/auth/token';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { codeOf, latestMailTo, linkPathOf, mailsTo } from '../../support/mail';
import { postForm, staffWorld } from '../../support/firm';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';
import { textOf } from '../../support/html';
import { selectOutbox } from '../../support/outbox';
import { outboxPayload } from '../../../src/lib/server/email/outbox';

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
    expect(textOf(page.text)).toContain(`Continue as ${user.email[0]}•••@example.test`);
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

  it('the page offers a code field, and the mail has the code that signs this browser in', async () => {
    const { user, path, packet } = await contactWithPacketLink();
    await new TestBrowser().post(path); // used
    const browser = new TestBrowser();
    const r = await browser.post(`${path}/renew`);
    expect(r.text).toContain('6-digit code');
    const mail = await latestMailTo(user.email);
    const code = codeOf(mail);
    // Only in the browser that asked.
    const other = await postForm(new TestBrowser(), '/sign-in/code', { code });
    expect(other.status).toBe(400);
    const done = await postForm(browser, '/sign-in/code', { code });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/p/${packet.id}`);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    // The code used the link: a tap on it now says so.
    expect((await new TestBrowser().get(linkPathOf(mail))).text).toContain(
      'This link was already used'
    );
  });

  it('answers an unknown token the same way and sends nothing', async () => {
    // Renewal mails only: other test files share the database and queue mail of their own.
    const renewals = () =>
      getDb()
        .select({ id: s.outbox.id })
        .from(s.outbox)
        .leftJoin(s.outboxMessage, eq(s.outboxMessage.outboxId, s.outbox.id))
        .where(
          sql`${outboxPayload}->>'subject' like 'New link:%' or ${outboxPayload}->>'subject' like 'Your new sign-in link%'`
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

describe('How long a packet link works', () => {
  const DAY = 86_400_000;
  /** The end (23:59:59 UTC) of the day `days` after today: the firms here keep UTC. */
  const endOfDayIn = (days: number, from = Date.now()) =>
    new Date(`${new Date(from + days * DAY).toISOString().slice(0, 10)}T23:59:59.000Z`);

  /** A firm (UTC, 7-day links, 7 days' grace) that publishes a packet due then to a contact. */
  async function publishedDue(dueAt: Date | null) {
    const world = await staffWorld();
    const packet = await createPacket(world.db, world.client, { status: 'draft', dueAt });
    await addDocument(world.db, packet);
    await publishPacket(world.db, world.firm, packet.id, world.staff.id);
    return { ...world, packet, contact: world.contacts[0] };
  }

  /** The newest link of this contact for the packet, and the newest mail to them. */
  async function newestLink(userId: string, packetId: string) {
    const [row] = await getDb()
      .select()
      .from(s.magicLink)
      .where(and(eq(s.magicLink.userId, userId), eq(s.magicLink.packetId, packetId)))
      .orderBy(desc(s.magicLink.createdAt))
      .limit(1);
    return row;
  }

  async function expectLink(
    contact: { user: { id: string; email: string } },
    packetId: string,
    expiresAt: Date
  ) {
    const link = await newestLink(contact.user.id, packetId);
    expect(link.expiresAt.toISOString()).toBe(expiresAt.toISOString());
    const mail = await latestMailTo(contact.user.email);
    expect(mail.text).toContain(`This link works until ${formatWeekdayDate(expiresAt, 'UTC')}.`);
    expect(mail.html).toContain(`This link works until ${formatWeekdayDate(expiresAt, 'UTC')}.`);
  }

  it("with no due date: the firm's link lifetime", async () => {
    const { contact, packet } = await publishedDue(null);
    await expectLink(contact, packet.id, endOfDayIn(7));
  });

  it('due soon: the due date plus the grace', async () => {
    const { contact, packet } = await publishedDue(endOfDayIn(10));
    await expectLink(contact, packet.id, endOfDayIn(17));
  });

  it('due far off: 45 days at most', async () => {
    const before = Date.now();
    const { contact, packet } = await publishedDue(endOfDayIn(90));
    await expectLink(contact, packet.id, endOfDayIn(44));
    const link = await newestLink(contact.user.id, packet.id);
    expect(link.expiresAt.getTime() - before).toBeLessThanOrEqual(45 * DAY);
  });

  it("past due: still the firm's link lifetime", async () => {
    const { contact, packet } = await publishedDue(endOfDayIn(-5));
    await expectLink(contact, packet.id, endOfDayIn(7));
  });

  it("follows the firm's grace", async () => {
    const world = await staffWorld();
    await world.db.update(s.firm).set({ linkGraceDays: 20 }).where(eq(s.firm.id, world.firm.id));
    const [firm] = await world.db.select().from(s.firm).where(eq(s.firm.id, world.firm.id));
    const packet = await createPacket(world.db, world.client, {
      status: 'draft',
      dueAt: endOfDayIn(3)
    });
    await addDocument(world.db, packet);
    await publishPacket(world.db, firm, packet.id, world.staff.id);
    await expectLink(world.contacts[0], packet.id, endOfDayIn(23));
  });

  it('nudges, replies and new links use the published due date', async () => {
    const { db, firm, staff, browser, contact, packet } = await publishedDue(endOfDayIn(10));
    // Staff move the due date without publishing: contacts' links still follow the old one.
    await db
      .update(s.packet)
      .set({ dueAt: endOfDayIn(30) })
      .where(eq(s.packet.id, packet.id));
    const [current] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    await nudgeContacts(db, firm, current, staff.id, contact.contact.id);
    await expectLink(contact, packet.id, endOfDayIn(17));

    const reply = await postForm(browser, `/firm/packets/${packet.id}?/reply`, {
      body: 'Page 2 is the March invoice.'
    });
    expect(reply.status).toBe(200);
    const replyLink = await newestLink(contact.user.id, packet.id);
    expect(replyLink.redirectTo).toBe(`/p/${packet.id}#thread`);
    expect(replyLink.expiresAt.toISOString()).toBe(endOfDayIn(17).toISOString());

    // "Email me a new link" from a used one: a packet link by the same rule.
    const used = linkPathOf(await latestMailTo(contact.user.email));
    await new TestBrowser().post(used);
    await new TestBrowser().post(`${used}/renew`);
    const renewed = await latestMailTo(contact.user.email);
    expect(renewed.subject).toMatch(/^New link:/);
    await expectLink(contact, packet.id, endOfDayIn(17));
  });
});

// On a database of its own: a reminder run claims whatever is due in the whole database, which
// must not be other files' packets.
describe("How long a reminder's link works", () => {
  const DAY = 86_400_000;
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
  }, 180_000);
  afterAll(async () => {
    await scratch?.close();
  });

  it('by the same rule, counted from when the reminder goes', async () => {
    const db = scratch.handle.db;
    const endOfDayIn = (days: number, from: number) =>
      new Date(`${new Date(from + days * DAY).toISOString().slice(0, 10)}T23:59:59.000Z`);
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const now = Date.now();
    const far = await createPacket(db, client, { status: 'draft', dueAt: endOfDayIn(20, now) });
    const near = await createPacket(db, client, { status: 'draft', dueAt: endOfDayIn(5, now) });
    for (const p of [far, near]) {
      await addDocument(db, p);
      await publishPacket(db, firm, p.id, staff.id);
    }
    await db.update(s.firm).set({ linkGraceDays: 1 }).where(eq(s.firm.id, firm.id));
    const at = now + 3 * DAY + 1000;
    expect(await sendDueReminders(db, new Date(at), { firmId: firm.id })).toBe(2);
    const links = await db
      .select()
      .from(s.magicLink)
      .where(eq(s.magicLink.userId, user.id))
      .orderBy(desc(s.magicLink.createdAt));
    const mails = await selectOutbox(db).where(
      and(eq(s.outbox.kind, 'reminder'), eq(s.outbox.channel, 'email'))
    );
    // Due in 20 days, one day's grace: day 21. Due in 5 (2 after the reminder): 7 days from it.
    for (const [p, expires] of [
      [far, endOfDayIn(21, now)],
      [near, endOfDayIn(7, at)]
    ] as const) {
      const link = links.find((l) => l.packetId === p.id)!;
      expect(link.expiresAt.toISOString()).toBe(expires.toISOString());
      const mail = mails
        .map((m) => m.payload as { text: string; metadata: { packetId: string } })
        .find((m) => m.metadata.packetId === p.id)!;
      expect(mail.text).toContain(`This link works until ${formatWeekdayDate(expires, 'UTC')}.`);
    }
  });
});
