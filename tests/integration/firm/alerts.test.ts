// Staff alerts (issue 18): a contact's question or approval reaches the client's responsible
// staff member at once, in a daily digest, or not at all, as they chose; the digest goes exactly
// once a day per person, whichever instance sweeps. Every read is scoped to this file's firms.
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { getDb, openPostgresHandle, type Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { digestKey, sendDueDigests, wallMinutesIn } from '../../../src/lib/server/alerts/digest';
import { removeMember } from '../../../src/lib/server/firm/members';
import { calendarDayIn } from '../../../src/lib/format/time-zone';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  createUser,
  signIn
} from '../../support/factories';
import { linkPathOf, mailsTo } from '../../support/mail';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

const post = (browser: TestBrowser, path: string, form: Record<string, string> = {}) =>
  browser.post(path, form, { accept: 'text/html' });

type Prefs = Partial<Pick<s.Membership, 'questionAlerts' | 'approvalAlerts' | 'digestMinute'>>;

/** A firm (owner + staff), a client the staff member is responsible for, two approvers. */
async function world(options: { responsible?: 'staff' | 'owner' | null; timeZone?: string } = {}) {
  const db = getDb();
  const { firm, owner, staff } = await createFirmWithStaff(db);
  if (options.timeZone) {
    await db.update(s.firm).set({ timeZone: options.timeZone }).where(eq(s.firm.id, firm.id));
  }
  const who = options.responsible === undefined ? 'staff' : options.responsible;
  const client = await createClient(db, firm.id, {
    name: 'Harbour Bakery Ltd',
    responsibleUserId: who === 'staff' ? staff.id : who === 'owner' ? owner.id : null
  });
  const { contact: ada, user: adaUser } = await createContact(db, client, { name: 'Ada Baker' });
  const { contact: ben, user: benUser } = await createContact(db, client, { name: 'Ben Baker' });
  const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
  const doc = await addDocument(db, packet, { pages: 3, filename: 'Bank statement.pdf' });
  const adaBrowser = new TestBrowser();
  await signIn(adaBrowser, adaUser.id, 'client');
  const benBrowser = new TestBrowser();
  await signIn(benBrowser, benUser.id, 'client');
  const setPrefs = (userId: string, prefs: Prefs) =>
    db
      .update(s.membership)
      .set(prefs)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, userId)));
  const ask = (body: string, extra: Record<string, string> = {}, browser = adaBrowser) =>
    post(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body,
      documentId: doc.id,
      page: '2',
      ...extra
    });
  const approve = (browser: TestBrowser) =>
    post(browser, `/p/${packet.id}?/approve`, { version: '1' });
  return {
    db,
    firm,
    owner,
    staff,
    client,
    packet,
    doc,
    ada,
    ben,
    adaBrowser,
    benBrowser,
    setPrefs,
    ask,
    approve
  };
}

const alertMails = async (email: string, kind: string) =>
  (await mailsTo(email)).filter((m) => m.kind === kind);
const alertsOf = (db: Db, firmId: string) =>
  db.select().from(s.staffAlert).where(eq(s.staffAlert.firmId, firmId));

describe('question alerts', () => {
  it('mail the responsible member at once, naming client, packet, page and question, with a link into the thread', async () => {
    const w = await world();
    const body = 'Why is <b>£1,200</b> on page 2 & not on page 3?';
    expect((await w.ask(body, { requestId: 'alert-req-0001' })).status).toBe(200);
    // The same request again (an offline replay) alerts nobody a second time.
    expect((await w.ask(body, { requestId: 'alert-req-0001' })).status).toBe(200);

    const [mail, ...more] = await alertMails(w.staff.email, 'alert_question');
    expect(more).toEqual([]);
    expect(await alertMails(w.owner.email, 'alert_question')).toEqual([]);
    expect(mail.subject).toBe('Question from Harbour Bakery Ltd: Q3 2026 · Q3 review');
    for (const part of [
      'Harbour Bakery Ltd',
      'Ada Baker',
      'Q3 2026 · Q3 review',
      'Bank statement, page 2',
      `“${body}”`
    ]) {
      expect(mail.text).toContain(part);
    }
    // Quoted, escaped: the contact's markup never becomes the mail's.
    expect(mail.html).toContain('Why is &#60;b&#62;£1,200&#60;/b&#62; on page 2 &#38; not');
    expect(mail.html).not.toContain('<b>£1,200</b>');

    const [comment] = await w.db
      .select()
      .from(s.comment)
      .where(eq(s.comment.packetId, w.packet.id));
    const [alert, ...others] = await alertsOf(w.db, w.firm.id);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      userId: w.staff.id,
      kind: 'question',
      packetId: w.packet.id,
      version: 1,
      commentId: comment.id
    });
    expect(alert.sentAt).not.toBeNull();
    const [queued] = await w.db.select().from(s.outbox).where(eq(s.outbox.id, alert.outboxId!));
    expect(queued.kind).toBe('alert_question');

    // The link: a confirm page, then a staff session landing on the question.
    const staffPhone = new TestBrowser();
    const path = linkPathOf(mail);
    const confirm = await staffPhone.get(path);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Q3 2026 · Q3 review');
    const done = await staffPhone.post(path);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/firm/packets/${w.packet.id}#q-${comment.id}`);
    expect(staffPhone.cookies.has(SESSION_COOKIE)).toBe(true);
    const [session] = await w.db.select().from(s.session).where(eq(s.session.userId, w.staff.id));
    expect(session.kind).toBe('staff');
    const thread = await staffPhone.get(`/firm/packets/${w.packet.id}`);
    expect(thread.status).toBe(200);
    expect(thread.text).toContain(`id="q-${comment.id}"`);
    // And the staff member replies from there.
    const reply = await post(staffPhone, `/firm/packets/${w.packet.id}?/reply`, {
      body: 'It is the October rent.'
    });
    expect(reply.status).toBe(200);
    expect((await w.adaBrowser.get(`/p/${w.packet.id}`)).text).toContain('It is the October rent.');
  });

  it('go to the owners when nobody is named, or the named person left the firm', async () => {
    const w = await world({ responsible: null });
    const second = await createUser(w.db, { name: 'Otto Second-Owner' });
    await w.db.insert(s.membership).values({ firmId: w.firm.id, userId: second.id, role: 'owner' });
    await w.ask('Nobody named?');
    expect(await alertMails(w.owner.email, 'alert_question')).toHaveLength(1);
    expect(await alertMails(second.email, 'alert_question')).toHaveLength(1);
    expect(await alertMails(w.staff.email, 'alert_question')).toEqual([]);

    // Named, then removed from the firm by hand (not through removeMember): owners again.
    await w.db
      .update(s.client)
      .set({ responsibleUserId: w.staff.id })
      .where(eq(s.client.id, w.client.id));
    await w.db
      .delete(s.membership)
      .where(and(eq(s.membership.firmId, w.firm.id), eq(s.membership.userId, w.staff.id)));
    await w.ask('Still there?');
    expect(await alertMails(w.owner.email, 'alert_question')).toHaveLength(2);
    expect(await alertMails(w.staff.email, 'alert_question')).toEqual([]);
  });

  it('honour digest and off', async () => {
    const w = await world();
    await w.setPrefs(w.staff.id, { questionAlerts: 'digest' });
    await w.ask('For the digest');
    expect(await alertMails(w.staff.email, 'alert_question')).toEqual([]);
    const [waiting] = await alertsOf(w.db, w.firm.id);
    expect(waiting).toMatchObject({ userId: w.staff.id, kind: 'question', sentAt: null });
    expect(waiting.outboxId).toBeNull();

    await w.setPrefs(w.staff.id, { questionAlerts: 'off' });
    await w.ask('Nobody hears of this one');
    expect(await alertMails(w.staff.email, 'alert_question')).toEqual([]);
    expect(await alertsOf(w.db, w.firm.id)).toHaveLength(1);
  });
});

describe('approval alerts', () => {
  it('send one mail per packet version however many approve', async () => {
    const w = await world();
    expect((await w.approve(w.adaBrowser)).status).toBe(200);
    expect((await w.approve(w.benBrowser)).status).toBe(200);
    const mails = await alertMails(w.staff.email, 'alert_approval');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Approved: Harbour Bakery Ltd, Q3 2026 · Q3 review');
    expect(mails[0].text).toContain('Approved by Ada Baker');
    expect(mails[0].text).toContain('Version 1: Bank statement.');
    const alerts = await alertsOf(w.db, w.firm.id);
    expect(alerts.map((a) => [a.kind, a.userId, a.version])).toEqual([['approval', w.staff.id, 1]]);
    expect(await alertMails(w.owner.email, 'alert_approval')).toEqual([]);
  });

  it('wait for the digest, or stay off, as chosen', async () => {
    const w = await world();
    await w.setPrefs(w.staff.id, { approvalAlerts: 'digest' });
    await w.approve(w.adaBrowser);
    await w.approve(w.benBrowser);
    expect(await alertMails(w.staff.email, 'alert_approval')).toEqual([]);
    expect(await alertsOf(w.db, w.firm.id)).toMatchObject([
      { kind: 'approval', userId: w.staff.id, sentAt: null }
    ]);

    const v = await world();
    await v.setPrefs(v.staff.id, { approvalAlerts: 'off' });
    await v.approve(v.adaBrowser);
    expect(await alertMails(v.staff.email, 'alert_approval')).toEqual([]);
    expect(await alertsOf(v.db, v.firm.id)).toEqual([]);
  });
});

/** A zone whose wall clock is now well away from midnight, so "a minute ago" is still today. */
function zoneAwayFromMidnight(now: Date) {
  const zone = ['America/New_York', 'Asia/Tokyo', 'Europe/London', 'Pacific/Auckland'].find(
    (z) => wallMinutesIn(now, z) > 60 && wallMinutesIn(now, z) < 1380
  );
  return zone!;
}

describe('the daily digest', () => {
  it('goes exactly once per person and day across two concurrent sweeps, claiming every alert once', async () => {
    const now = new Date();
    const zone = zoneAwayFromMidnight(now);
    const w = await world({ timeZone: zone });
    const wall = wallMinutesIn(now, zone);
    // The digest time is the next minute on the firm's clock; the sweeps run just after it.
    await w.setPrefs(w.staff.id, {
      questionAlerts: 'digest',
      approvalAlerts: 'digest',
      digestMinute: wall + 1
    });
    const sweep = new Date(now.getTime() + 2 * 60_000);
    await w.ask('First question for the digest');
    await w.ask('Second question', { page: '3' }, w.benBrowser);
    await w.approve(w.adaBrowser);
    await w.approve(w.benBrowser);
    expect(await alertsOf(w.db, w.firm.id)).toHaveLength(3);

    // Two instances: on PostgreSQL a second pool of its own; on PGlite the one database.
    const url = inject('databaseUrl');
    const other = url ? await openPostgresHandle(url, { poolMax: 2 }) : null;
    try {
      const second = other?.db ?? w.db;
      await Promise.all([
        sendDueDigests(w.db, sweep, { firmId: w.firm.id }),
        sendDueDigests(second, sweep, { firmId: w.firm.id }),
        sendDueDigests(w.db, sweep, { firmId: w.firm.id }),
        sendDueDigests(second, sweep, { firmId: w.firm.id })
      ]);
      await Promise.all([
        sendDueDigests(w.db, sweep, { firmId: w.firm.id }),
        sendDueDigests(second, sweep, { firmId: w.firm.id })
      ]);
    } finally {
      await other?.close();
    }

    const digests = await alertMails(w.staff.email, 'alert_digest');
    expect(digests).toHaveLength(1);
    const day = calendarDayIn(now, zone);
    const [row] = await w.db
      .select()
      .from(s.outbox)
      .where(eq(s.outbox.idempotencyKey, digestKey(w.firm.id, w.staff.id, day)));
    expect(row).toBeDefined();
    const alerts = await alertsOf(w.db, w.firm.id);
    expect(alerts.every((a) => a.outboxId === row.id && a.sentAt !== null)).toBe(true);
    const [digest] = digests;
    expect(digest.subject).toBe(`${w.firm.name}: 2 questions and 1 approval`);
    for (const part of [
      '“First question for the digest”',
      '“Second question”',
      'Bank statement, page 3',
      'Approved by Ada Baker',
      `/firm/packets/${w.packet.id}#q-`
    ]) {
      expect(digest.text).toContain(part);
    }
    expect(await alertMails(w.owner.email, 'alert_digest')).toEqual([]);

    // Asked after today's digest went: it waits for tomorrow's.
    await w.ask('A late question');
    await sendDueDigests(w.db, sweep, { firmId: w.firm.id });
    expect(await alertMails(w.staff.email, 'alert_digest')).toHaveLength(1);
    const late = (await alertsOf(w.db, w.firm.id)).filter((a) => a.sentAt === null);
    expect(late).toHaveLength(1);
    const tomorrow = new Date(sweep.getTime() + 24 * 3600_000);
    await sendDueDigests(w.db, tomorrow, { firmId: w.firm.id });
    const after = await alertMails(w.staff.email, 'alert_digest');
    expect(after).toHaveLength(2);
    expect(after[0].text).toContain('“A late question”');
    expect(after[0].text).not.toContain('First question');
  });

  it('comes at the chosen time: a question after it waits for tomorrow’s, even with none sent today', async () => {
    const now = new Date();
    const zone = zoneAwayFromMidnight(now);
    const w = await world({ timeZone: zone });
    // The digest time passed a minute ago today; nothing has gone today.
    await w.setPrefs(w.staff.id, {
      questionAlerts: 'digest',
      digestMinute: wallMinutesIn(now, zone) - 1
    });
    await w.ask('Asked after the digest time');
    await sendDueDigests(w.db, new Date(now.getTime() + 60_000), { firmId: w.firm.id });
    expect(await alertMails(w.staff.email, 'alert_digest')).toEqual([]);
    await sendDueDigests(w.db, new Date(now.getTime() + 24 * 3600_000), { firmId: w.firm.id });
    const [digest] = await alertMails(w.staff.email, 'alert_digest');
    expect(digest.text).toContain('“Asked after the digest time”');
  });

  it('waits until the member’s time of day in the firm’s zone', async () => {
    const now = new Date();
    const zone = zoneAwayFromMidnight(now);
    const w = await world({ timeZone: zone });
    await w.setPrefs(w.staff.id, {
      questionAlerts: 'digest',
      digestMinute: wallMinutesIn(now, zone) + 30
    });
    await w.ask('Not yet');
    await sendDueDigests(w.db, now, { firmId: w.firm.id });
    expect(await alertMails(w.staff.email, 'alert_digest')).toEqual([]);
    await sendDueDigests(w.db, new Date(now.getTime() + 31 * 60_000), { firmId: w.firm.id });
    expect(await alertMails(w.staff.email, 'alert_digest')).toHaveLength(1);
  });
});

describe('the responsible staff member', () => {
  it('is whoever created the client, by form or CSV import', async () => {
    const { firm, staff } = await createFirmWithStaff();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const code = `R${Date.now().toString(36).toUpperCase()}`;
    const created = await post(browser, '/firm/clients?/create', { name: 'Made by Sam', code });
    expect(created.status).toBe(303);
    const csvCode = `${code}X`;
    await post(browser, '/firm/clients?/import', {
      csv: `client name,code,contact name,email,role\nImported Ltd,${csvCode},Ivy,ivy-${csvCode.toLowerCase()}@example.test,approver\n`
    });
    const rows = await getDb().select().from(s.client).where(eq(s.client.firmId, firm.id));
    expect(rows.map((r) => [r.code, r.responsibleUserId]).sort()).toEqual(
      [
        [code, staff.id],
        [csvCode, staff.id]
      ].sort()
    );
  });

  it('is set on the client page, refusing anyone outside the firm, and audited', async () => {
    const { firm, owner, staff } = await createFirmWithStaff();
    const other = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id, { responsibleUserId: staff.id });
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const page = await browser.get(`/firm/clients/${client.id}`);
    expect(page.text).toContain('Responsible staff member');
    expect(page.text).toContain(`Olivia Owner (${owner.email})`);

    const refused = await post(browser, `/firm/clients/${client.id}?/responsible`, {
      userId: other.staff.id
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Choose someone from your firm’s staff.');
    const [unchanged] = await getDb().select().from(s.client).where(eq(s.client.id, client.id));
    expect(unchanged.responsibleUserId).toBe(staff.id);

    const ok = await post(browser, `/firm/clients/${client.id}?/responsible`, { userId: owner.id });
    expect(ok.status).toBe(200);
    const [changed] = await getDb().select().from(s.client).where(eq(s.client.id, client.id));
    expect(changed.responsibleUserId).toBe(owner.id);
    const audit = await getDb()
      .select()
      .from(s.auditEvent)
      .where(
        and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'client.responsible_set'))
      );
    expect(audit).toMatchObject([
      { actorId: staff.id, subject: `client:${client.id}`, data: { from: staff.id, to: owner.id } }
    ]);
  });

  it('is assigned in bulk from the clients list, all or nothing', async () => {
    const { firm, owner, staff } = await createFirmWithStaff();
    const other = await createFirmWithStaff();
    const [a, b] = [
      await createClient(getDb(), firm.id, { name: 'Alpha Bulk' }),
      await createClient(getDb(), firm.id, { name: 'Beta Bulk' })
    ];
    const theirs = await createClient(getDb(), other.firm.id);
    const browser = new TestBrowser();
    await signIn(browser, owner.id, 'staff');
    const bulk = (pairs: [string, string][]) =>
      browser.request('POST', '/firm/clients?/assign', {
        body: new URLSearchParams(pairs),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }
      });
    const responsibleOf = async (ids: string[]) =>
      (await getDb().select().from(s.client).where(inArray(s.client.id, ids)))
        .map((c) => [c.name, c.responsibleUserId])
        .sort();

    // Another firm's client in the selection: nothing changes, for any of them.
    const mixed = await bulk([
      ['clientId', a.id],
      ['clientId', theirs.id],
      ['userId', staff.id]
    ]);
    expect(mixed.status).toBe(404);
    expect(await responsibleOf([a.id, theirs.id])).toEqual(
      [
        ['Alpha Bulk', null],
        [theirs.name, null]
      ].sort()
    );
    // Another firm's member: refused, nothing changes.
    const stranger = await bulk([
      ['clientId', a.id],
      ['userId', other.staff.id]
    ]);
    expect(stranger.status).toBe(400);
    expect(stranger.text).toContain('Choose someone from your firm’s staff.');

    const ok = await bulk([
      ['clientId', a.id],
      ['clientId', b.id],
      ['userId', staff.id]
    ]);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('2 clients assigned.');
    expect(await responsibleOf([a.id, b.id])).toEqual([
      ['Alpha Bulk', staff.id],
      ['Beta Bulk', staff.id]
    ]);
    const list = await browser.get('/firm/clients');
    expect(list.text).toContain('Responsible: Sam Staff');
  });

  it('passes to whoever removes them from the firm', async () => {
    const { firm, owner, staff } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id, { responsibleUserId: staff.id });
    const [m] = await getDb()
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
    await getDb().transaction((tx) =>
      removeMember(tx, firm.id, m.id, { id: owner.id, name: owner.name })
    );
    const [after] = await getDb().select().from(s.client).where(eq(s.client.id, client.id));
    expect(after.responsibleUserId).toBe(owner.id);
  });
});

describe('a member who leaves', () => {
  it('hands alerts waiting for their digest to whoever removed them, and ends their alert links', async () => {
    const w = await world();
    await w.setPrefs(w.staff.id, { questionAlerts: 'now', approvalAlerts: 'digest' });
    await w.ask('Asked before they left');
    const [mail] = await alertMails(w.staff.email, 'alert_question');
    await w.setPrefs(w.staff.id, { questionAlerts: 'digest' });
    await w.ask('Waiting for the digest');
    await w.approve(w.adaBrowser);
    const [m] = await w.db
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, w.firm.id), eq(s.membership.userId, w.staff.id)));
    await w.db.transaction((tx) =>
      removeMember(tx, w.firm.id, m.id, { id: w.owner.id, name: w.owner.name })
    );
    const waiting = (await alertsOf(w.db, w.firm.id)).filter((a) => a.sentAt === null);
    expect(waiting.map((a) => [a.kind, a.userId]).sort()).toEqual([
      ['approval', w.owner.id],
      ['question', w.owner.id]
    ]);
    // The mailed alert link no longer opens anything: it says expired, not used.
    const page = await new TestBrowser().get(linkPathOf(mail));
    expect(page.text).toContain('This link has expired');
  });
});

describe('a member who leaves, removed by someone with alerts off', () => {
  it('drops the waiting alerts of the kinds the remover turned off', async () => {
    const w = await world();
    await w.setPrefs(w.staff.id, { questionAlerts: 'digest', approvalAlerts: 'digest' });
    await w.setPrefs(w.owner.id, { questionAlerts: 'off' });
    await w.ask('Nobody asked to hear this');
    await w.approve(w.adaBrowser);
    const [m] = await w.db
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, w.firm.id), eq(s.membership.userId, w.staff.id)));
    await w.db.transaction((tx) =>
      removeMember(tx, w.firm.id, m.id, { id: w.owner.id, name: w.owner.name })
    );
    const waiting = (await alertsOf(w.db, w.firm.id)).filter((a) => a.sentAt === null);
    expect(waiting.map((a) => [a.kind, a.userId])).toEqual([['approval', w.owner.id]]);
  });
});

describe('alert preferences in /account', () => {
  it('show staff their firm’s zone and save only their own membership', async () => {
    const { firm, staff, owner } = await createFirmWithStaff();
    await getDb().update(s.firm).set({ timeZone: 'Europe/London' }).where(eq(s.firm.id, firm.id));
    const other = await createFirmWithStaff();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const page = await browser.get('/account');
    expect(page.text).toContain('Digest time (Europe/London)');
    expect(page.text).toContain('value="08:00"');
    const memberships = await getDb()
      .select()
      .from(s.membership)
      .where(inArray(s.membership.firmId, [firm.id, other.firm.id]));
    const mine = memberships.find((m) => m.userId === staff.id)!;
    const ownerRow = memberships.find((m) => m.userId === owner.id)!;
    const theirs = memberships.filter((m) => m.firmId === other.firm.id);

    const save = (membershipId: string, extra: Record<string, string> = {}) =>
      post(browser, '/account?/alerts', {
        membershipId,
        questionAlerts: 'digest',
        approvalAlerts: 'off',
        digestTime: '17:30',
        ...extra
      });
    expect((await save(mine.id)).status).toBe(200);
    const bad = await save(mine.id, { digestTime: '25:00' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a time like 08:00.');
    expect((await save(mine.id, { questionAlerts: 'sometimes' })).status).toBe(400);
    // A colleague's or another firm's membership: not found, unchanged.
    for (const id of [ownerRow.id, ...theirs.map((t) => t.id)]) {
      expect((await save(id)).status).toBe(404);
    }
    const after = await getDb()
      .select()
      .from(s.membership)
      .where(inArray(s.membership.firmId, [firm.id, other.firm.id]));
    const saved = after.find((m) => m.id === mine.id)!;
    expect(saved).toMatchObject({
      questionAlerts: 'digest',
      approvalAlerts: 'off',
      digestMinute: 17 * 60 + 30
    });
    for (const m of after.filter((x) => x.id !== mine.id)) {
      expect(m).toMatchObject({ questionAlerts: 'now', approvalAlerts: 'now', digestMinute: 480 });
    }
    expect((await browser.get('/account')).text).toContain('value="17:30"');
  });

  it('are not shown to a contact', async () => {
    const { firm } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const { user } = await createContact(getDb(), client);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Digest time');
  });
});
