// Issue 21, "Decline with a reason": an approver says something is wrong with the packet's
// current version. The row carries the reason and the same evidence as an approval; the packet
// reads "Declined" on every screen until the version is approved or a new one is published; the
// client's responsible staff member hears of it as of a question (at once, digest or off).
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { isVersionApproved } from '../../../src/lib/server/review/approval';
import { listPacketSummaries } from '../../../src/lib/server/packets/dashboard';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { sendDueDigests, wallMinutesIn } from '../../../src/lib/server/alerts/digest';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { getDb } from '../../../src/lib/server/db/client';
import { linkPathOf, mailsTo } from '../../support/mail';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';

const post = (browser: TestBrowser, path: string, form: Record<string, string>) =>
  browser.post(path, form, { accept: 'text/html' });

type Prefs = Partial<Pick<s.Membership, 'questionAlerts' | 'approvalAlerts' | 'digestMinute'>>;

/** A firm whose staff member is responsible for a client with two approvers and a viewer. */
async function world(period: string) {
  const db = getDb();
  const { firm, owner, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id, {
    name: 'Harbour Bakery Ltd',
    responsibleUserId: staff.id
  });
  const ada = await createContact(db, client, { name: 'Ada Baker' });
  const ben = await createContact(db, client, { name: 'Ben Baker' });
  const vic = await createContact(db, client, { name: 'Vic Viewer', role: 'viewer' });
  const draft = await createPacket(db, client, { status: 'draft', title: 'Q3 review', period });
  await addDocument(db, draft, { filename: 'Bank statement.pdf' });
  await addDocument(db, draft, { filename: 'Profit and loss.pdf', position: 1 });
  await publishPacket(db, firm, draft.id, staff.id);
  const [packet] = await db.select().from(s.packet).where(eq(s.packet.id, draft.id));
  const browserOf = async (userId: string, kind: 'staff' | 'client') => {
    const b = new TestBrowser();
    await signIn(b, userId, kind);
    return b;
  };
  const [adaB, benB, vicB, staffB] = await Promise.all([
    browserOf(ada.user.id, 'client'),
    browserOf(ben.user.id, 'client'),
    browserOf(vic.user.id, 'client'),
    browserOf(staff.id, 'staff')
  ]);
  const setPrefs = (prefs: Prefs) =>
    db
      .update(s.membership)
      .set(prefs)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
  const decline = (b: TestBrowser, reason: string, extra: Record<string, string> = {}) =>
    post(b, `/p/${packet.id}?/decline`, {
      version: String(packet.version),
      reason,
      requestId: crypto.randomUUID(),
      ...extra
    });
  const approve = (b: TestBrowser, version = 1) =>
    post(b, `/p/${packet.id}?/approve`, {
      version: String(version),
      requestId: crypto.randomUUID()
    });
  const decisions = () => db.select().from(s.decision).where(eq(s.decision.packetId, packet.id));
  const audit = (action: string) =>
    db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.subject, `packet:${packet.id}`), eq(s.auditEvent.action, action)));
  const alerts = () => db.select().from(s.staffAlert).where(eq(s.staffAlert.firmId, firm.id));
  const stateOnDashboard = async () =>
    (await listPacketSummaries(db, firm.id, { period })).find((p) => p.id === packet.id)?.state;
  const chipOf = async (b: TestBrowser) => {
    const html = (await b.get(`/p/${packet.id}`)).text;
    return textOf(html.slice(html.indexOf('class="period'), html.indexOf('<h1')));
  };
  return {
    db,
    firm,
    owner,
    staff,
    client,
    packet,
    ada,
    ben,
    vic,
    adaB,
    benB,
    vicB,
    staffB,
    setPrefs,
    decline,
    approve,
    decisions,
    audit,
    alerts,
    stateOnDashboard,
    chipOf
  };
}

const REASON = 'The VAT figure on page 2 is <b>wrong</b> & the van is missing.';

/** The dashboard's Needs reply card, as text. */
async function needsReply(staff: TestBrowser) {
  const html = (await staff.get('/firm')).text;
  const start = html.indexOf('id="needs-reply"');
  return start < 0 ? '' : textOf(html.slice(start, html.indexOf('</section>', start)));
}

describe('declining a packet', () => {
  it('records the reason with the evidence, audits it, and every screen says Declined', async () => {
    const w = await world('2035-Q1');
    const response = await w.decline(w.adaB, `  ${REASON}  `);
    expect(response.status).toBe(200);

    const [row, ...others] = await w.decisions();
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      kind: 'decline',
      version: 1,
      contactId: w.ada.contact.id,
      reason: REASON,
      consent: 'I have reviewed these 2 documents and cannot approve them.',
      userAgent: w.adaB.userAgent,
      withdrawnAt: null
    });
    expect(row.ip).toBeTruthy();
    const docs = await w.db.select().from(s.document).where(eq(s.document.packetId, w.packet.id));
    expect(row.documents?.map((d) => d.sha256).sort()).toEqual(docs.map((d) => d.sha256).sort());
    const [event] = await w.audit('packet.declined');
    expect(event.actorId).toBe(w.ada.user.id);
    expect(event.data).toMatchObject({
      version: 1,
      contactId: w.ada.contact.id,
      decisionId: row.id,
      reason: REASON
    });

    // Staff: the dashboard, the packet page with who, when and why (escaped).
    expect(await w.stateOnDashboard()).toBe('declined');
    // It waits in Needs reply as a question would, with who and why.
    const waiting = await needsReply(w.staffB);
    expect(waiting).toContain('Something is wrong');
    expect(waiting).toContain('Ada Baker · Harbour Bakery Ltd');
    expect(waiting).toContain('The VAT figure on page 2 is');
    const declinedOnly = await listPacketSummaries(w.db, w.firm.id, {
      period: '2035-Q1',
      status: 'declined'
    });
    expect(declinedOnly.map((p) => p.id)).toEqual([w.packet.id]);
    const filtered = textOf((await w.staffB.get('/firm?period=2035-Q1&status=declined')).text);
    expect(filtered).toContain('Harbour Bakery Ltd');
    // The client's page lists its packets with their states too.
    expect(textOf((await w.staffB.get(`/firm/clients/${w.client.id}`)).text)).toContain('Declined');
    const staffHtml = (await w.staffB.get(`/firm/packets/${w.packet.id}`)).text;
    expect(staffHtml).toContain('id="declines"');
    expect(staffHtml).not.toContain('<b>wrong</b>');
    const header = staffHtml.slice(staffHtml.indexOf('class="muted sub'));
    expect(textOf(header.slice(0, header.indexOf('</p>')))).toContain('Declined');
    const staffPage = textOf(staffHtml);
    expect(staffPage).toContain('Declined: something is wrong');
    expect(staffPage).toContain('Ada Baker');
    expect(staffPage).toContain('The VAT figure on page 2 is');
    expect(staffPage).toContain('the van is missing.');
    expect(staffPage).toContain('said something is wrong');

    // The client: the chip (the decliner and the others), and their own words back.
    for (const b of [w.adaB, w.benB, w.vicB]) expect(await w.chipOf(b)).toContain('Declined');
    expect(textOf((await w.benB.get('/p')).text)).toContain('Declined');
    const adaPage = textOf((await w.adaB.get(`/p/${w.packet.id}`)).text);
    expect(adaPage).toMatch(/You said something is wrong on .+: The VAT figure on page 2/);
    expect(adaPage).toContain(`${w.firm.name} has been told.`);
    // ... and can still approve.
    expect(adaPage).toContain('Approve');
  });

  it('takes a long reason with emoji anywhere, and mails staff a whole-character preview', async () => {
    const w = await world('2035-Q4');
    // An emoji (two UTF-16 units) across the mail preview's 90th unit once made it refuse.
    const reason = `${'a'.repeat(89)}😀 and the rest of what is wrong`;
    expect((await w.decline(w.adaB, reason)).status).toBe(200);
    const [row] = await w.decisions();
    expect(row.reason).toBe(reason);
    const mail = (await mailsTo(w.staff.email)).find((m) => m.subject.startsWith('Declined'));
    expect(mail?.html).toContain(`${'a'.repeat(89)}😀`);
  });

  it('refuses an empty or too long reason, recording nothing', async () => {
    const w = await world('2035-Q2');
    for (const reason of ['', '   \n ', 'x'.repeat(2001)]) {
      const response = await w.decline(w.adaB, reason);
      expect(response.status).toBe(400);
      expect(textOf(response.text)).toMatch(
        /Say what is wrong before sending\.|Keep it under 2,000 characters\./
      );
    }
    const missing = await post(w.adaB, `/p/${w.packet.id}?/decline`, { version: '1' });
    expect(missing.status).toBe(400);
    expect(await w.decisions()).toEqual([]);
    expect(await w.audit('packet.declined')).toEqual([]);
    expect(await w.alerts()).toEqual([]);
    expect(await w.stateOnDashboard()).not.toBe('declined');
  });

  it('is refused to a viewer (403), on an old version (409) and on an archived packet', async () => {
    const w = await world('2035-Q3');
    const viewer = await w.decline(w.vicB, 'I am only a viewer');
    expect(viewer.status).toBe(403);
    for (const version of ['2', '0', '']) {
      expect((await w.decline(w.adaB, 'Old page', { version })).status).toBe(409);
    }
    await w.db.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, w.packet.id));
    const archived = await w.decline(w.adaB, 'Too late');
    expect(archived.status).toBe(400);
    expect(textOf(archived.text)).toContain('archived and can no longer be declined');
    expect(await w.decisions()).toEqual([]);
  });

  it('records one decline for a repeated request, alerting once', async () => {
    const w = await world('2035-Q4');
    const requestId = crypto.randomUUID();
    expect((await w.decline(w.adaB, 'Twice sent', { requestId })).status).toBe(200);
    expect((await w.decline(w.adaB, 'Twice sent', { requestId })).status).toBe(200);
    // Someone else's request id is not theirs to reuse.
    expect((await w.decline(w.benB, 'Same id', { requestId })).status).toBe(400);
    // ... nor is a decline's id an approval's.
    const asApproval = await post(w.adaB, `/p/${w.packet.id}?/approve`, {
      version: '1',
      requestId
    });
    expect(asApproval.status).toBe(400);
    expect(await w.decisions()).toHaveLength(1);
    expect(
      await mailsTo(w.staff.email).then((m) => m.filter((x) => x.kind === 'alert_decline'))
    ).toHaveLength(1);
  });

  it('alerts staff once per contact and version, however often they decline again', async () => {
    const w = await world('2035-Q3');
    for (const reason of ['First thought', 'Second thought', 'Third thought']) {
      expect((await w.decline(w.adaB, reason)).status).toBe(200);
    }
    // Each decline is recorded (the latest stands, with its reason) ...
    expect(await w.decisions()).toHaveLength(3);
    expect(textOf((await w.staffB.get(`/firm/packets/${w.packet.id}`)).text)).toContain(
      'Third thought'
    );
    // ... but staff are mailed once: a contact cannot fill their inbox.
    const alerts = await mailsTo(w.staff.email).then((m) =>
      m.filter((x) => x.kind === 'alert_decline')
    );
    expect(alerts).toHaveLength(1);
    // Another approver's decline is news.
    expect((await w.decline(w.benB, 'Ben disagrees')).status).toBe(200);
    expect(
      await mailsTo(w.staff.email).then((m) => m.filter((x) => x.kind === 'alert_decline'))
    ).toHaveLength(2);
  });
});

describe('the latest decision of a contact counts', () => {
  it('approving after a decline supersedes it; declining after approving withdraws the approval', async () => {
    const w = await world('2036-Q1');
    await w.decline(w.adaB, 'Page 3 is blank');
    expect(await w.stateOnDashboard()).toBe('declined');

    expect((await w.approve(w.adaB)).status).toBe(200);
    expect(await isVersionApproved(w.db, w.packet.id, 1)).toBe(true);
    expect(await w.stateOnDashboard()).toBe('approved');
    expect(await needsReply(w.staffB)).not.toContain('Page 3 is blank');
    const adaPage = textOf((await w.adaB.get(`/p/${w.packet.id}`)).text);
    expect(adaPage).toContain('You approved this packet');
    expect(adaPage).not.toContain('You said something is wrong on');
    // The decline stays on the staff page, marked as superseded.
    expect(textOf((await w.staffB.get(`/firm/packets/${w.packet.id}`)).text)).toContain(
      'decided again since'
    );

    expect((await w.decline(w.adaB, 'Sorry, the VAT is wrong after all')).status).toBe(200);
    expect(await isVersionApproved(w.db, w.packet.id, 1)).toBe(false);
    expect(await w.stateOnDashboard()).toBe('declined');
    const rows = await w.decisions();
    expect(rows.filter((d) => d.withdrawnAt === null).map((d) => [d.kind, d.reason])).toEqual([
      ['decline', 'Sorry, the VAT is wrong after all']
    ]);
    const events = (await w.audit('packet.declined')).map((e) => e.data);
    expect(events).toContainEqual(
      expect.objectContaining({
        reason: 'Sorry, the VAT is wrong after all',
        withdrewApproval: true
      })
    );
    expect(events).toContainEqual(
      expect.not.objectContaining({ withdrewApproval: expect.anything() })
    );
  });

  it('an approval by another approver under "any" reads Approved despite a decline', async () => {
    const w = await world('2036-Q2');
    await w.decline(w.adaB, 'Something is off');
    await w.approve(w.benB);
    expect(await w.stateOnDashboard()).toBe('approved');
    expect(await w.chipOf(w.adaB)).toContain('Approved');
  });

  it('a new version clears it', async () => {
    const w = await world('2036-Q3');
    await w.decline(w.adaB, 'The van is missing');
    await addDocument(w.db, { ...w.packet, version: 0 }, { filename: 'Van.pdf', position: 2 });
    await publishPacket(w.db, w.firm, w.packet.id, w.staff.id);
    expect(await w.stateOnDashboard()).not.toBe('declined');
    expect(await needsReply(w.staffB)).not.toContain('The van is missing');
    expect(await w.chipOf(w.adaB)).not.toContain('Declined');
    const adaPage = textOf((await w.adaB.get(`/p/${w.packet.id}`)).text);
    expect(adaPage).not.toContain('You said something is wrong on');
    expect(adaPage).toContain('You said something is wrong'); // ... in version 1's history
    const staffHtml = (await w.staffB.get(`/firm/packets/${w.packet.id}`)).text;
    expect(staffHtml).not.toContain('id="declines"');
    expect(textOf(staffHtml)).toContain('1 declined');
    // Declining the old version from a stale page is refused.
    expect((await w.decline(w.adaB, 'Still v1', { version: '1' })).status).toBe(409);
  });
});

const alertMails = async (email: string) =>
  (await mailsTo(email)).filter((m) => m.kind === 'alert_decline');

describe('decline alerts', () => {
  it('mail the responsible member at once, naming client, packet, contact and reason, linking to the packet', async () => {
    const w = await world('2037-Q1');
    await w.decline(w.adaB, REASON);
    const [mail, ...more] = await alertMails(w.staff.email);
    expect(more).toEqual([]);
    expect(await alertMails(w.owner.email)).toEqual([]);
    expect(mail.subject).toBe('Declined by Harbour Bakery Ltd: Q1 2037 · Q3 review');
    for (const part of ['Harbour Bakery Ltd', 'Ada Baker', 'Q1 2037 · Q3 review', `“${REASON}”`]) {
      expect(mail.text).toContain(part);
    }
    expect(mail.html).not.toContain('<b>wrong</b>');
    const [alert] = await w.alerts();
    const [row] = await w.decisions();
    expect(alert).toMatchObject({
      userId: w.staff.id,
      kind: 'decline',
      decisionId: row.id,
      version: 1
    });
    expect(alert.sentAt).not.toBeNull();

    const staffPhone = new TestBrowser();
    const path = linkPathOf(mail);
    expect((await staffPhone.get(path)).status).toBe(200);
    const done = await staffPhone.post(path);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/firm/packets/${w.packet.id}#declines`);
  });

  it('follow the question preference: off, or the daily digest listing declines', async () => {
    const w = await world('2037-Q2');
    await w.setPrefs({ questionAlerts: 'off', approvalAlerts: 'now' });
    await w.decline(w.adaB, 'Nobody hears of this');
    expect(await w.alerts()).toEqual([]);

    const now = new Date();
    const zone = w.firm.timeZone;
    await w.setPrefs({ questionAlerts: 'digest', digestMinute: wallMinutesIn(now, zone) });
    await w.decline(w.benB, 'For the digest: page 4 is sideways');
    // Reworded before the digest goes: one alert, naming the decline as it now reads.
    await w.decline(w.benB, 'For the digest: page 4 is upside down');
    expect(await alertMails(w.staff.email)).toEqual([]);
    const [waiting, ...more] = await w.alerts();
    expect(more).toEqual([]);
    expect(waiting).toMatchObject({ kind: 'decline', sentAt: null });

    // The digest goes at that time on the next day's sweep at the latest.
    await sendDueDigests(w.db, new Date(now.getTime() + 24 * 3600_000), { firmId: w.firm.id });
    const [digest] = (await mailsTo(w.staff.email)).filter((m) => m.kind === 'alert_digest');
    expect(digest.subject).toBe(`${w.firm.name}: 1 decline`);
    expect(digest.text).toContain('Declined (1)');
    expect(digest.text).toContain('Ben Baker');
    expect(digest.text).toContain('“For the digest: page 4 is upside down”');
    expect(digest.text).not.toContain('sideways');
    expect(digest.text).toContain(`/firm/packets/${w.packet.id}#declines`);
  });
});
