// Issue 19, "Role-aware status": approvals are counted over approvers only (a viewer cannot
// approve, so is never waited for), and staff and the client use the same words for one state.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { isVersionApproved } from '../../../src/lib/server/alerts/alerts';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { listPacketSummaries } from '../../../src/lib/server/packets/dashboard';
import { approvePacket } from '../../../src/lib/server/review/decisions';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { addDocument, createContact, createPacket, signIn } from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { renderedText, rowOf, textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';
import { selectOutbox } from '../../support/outbox';

async function approvedByTheApprover() {
  const world = await staffWorld();
  const { db, firm, staff, client, contacts } = world;
  const packet = await createPacket(db, client, { status: 'draft', period: '2034-Q1' });
  await addDocument(db, packet, { filename: 'ledger.pdf' });
  await publishPacket(db, firm, packet.id, staff.id);
  const [published] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
  const approved = await approvePacket(db, {
    packet: published,
    contact: contacts[0].contact,
    seenVersion: 1,
    evidence: { ip: '203.0.113.9', userAgent: 'test', signInMethod: 'link' }
  });
  expect(approved.ok).toBe(true);
  return { ...world, packet: published };
}

describe('role-aware status', () => {
  it('counts approvals over approvers, never over viewers', async () => {
    const { db, browser, firm, packet } = await approvedByTheApprover();
    const [summary] = await listPacketSummaries(db, firm.id, { period: '2034-Q1' });
    expect(summary).toMatchObject({ contacts: 2, approved: 1, approvers: 1 });
    const dashboardHtml = (await browser.get('/firm?period=2034-Q1')).text;
    const dashboard = textOf(dashboardHtml);
    expect(dashboard).toMatch(/approved 1 ?\/1\b/);
    // "Not opened yet" keeps the viewer, marked as one.
    expect(dashboard.slice(dashboard.indexOf('Not opened yet'))).toContain('Vic Viewer viewer');
    // As a browser runs the text together (tags are not spaces): a space between name and mark.
    const aside = renderedText(dashboardHtml.slice(dashboardHtml.indexOf('id="not-opened"')));
    expect(aside).toContain('Vic Viewer viewer');
    const detail = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(detail).toMatch(/1 of 1 approvers? approved/);
    // Approved: the automatic reminders have stopped, and the page says so.
    expect(detail).toContain('Approved, so no more reminders go out.');
    expect(detail).not.toContain('Reminders go out automatically');
  });

  it('says when each contact opened it: once when that is one time, else first and last', async () => {
    const { db, browser, packet, contacts } = await approvedByTheApprover();
    const delivered = (contactId: string) =>
      and(eq(s.delivery.packetId, packet.id), eq(s.delivery.contactId, contactId));
    // Ada opened it twice within the minute; Vic on two days.
    const at = new Date('2034-03-02T09:15:10Z');
    await db
      .update(s.delivery)
      .set({ firstOpenedAt: at, lastOpenedAt: new Date(at.getTime() + 30_000) })
      .where(delivered(contacts[0].contact.id));
    await db
      .update(s.delivery)
      .set({ firstOpenedAt: at, lastOpenedAt: new Date(at.getTime() + 2 * 86_400_000) })
      .where(delivered(contacts[1].contact.id));
    const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
    const ada = rowOf(html, contacts[0].user.email);
    expect(ada).toContain('2 Mar, 09:15 UTC');
    expect(ada).not.toMatch(/\bfirst\b|\blast\b/);
    expect(rowOf(html, contacts[1].user.email)).toMatch(
      /first 2 Mar, 09:15 UTC last 4 Mar, 09:15 UTC/
    );
  });

  it('gives staff and the client the same word for an approved packet', async () => {
    const { browser, packet, contacts } = await approvedByTheApprover();
    const staffPage = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    const viewer = new TestBrowser();
    await signIn(viewer, contacts[1].user.id, 'client');
    const clientPage = textOf((await viewer.get(`/p/${packet.id}`)).text);
    const list = textOf((await viewer.get('/p')).text);
    for (const text of [staffPage, clientPage, list]) {
      expect(text).toContain('Approved');
      expect(text).not.toMatch(/\bReviewed\b|\bPublished\b/);
    }
  });
});

const DAY = 86_400_000;

/** A client with two approvers and a viewer, a published packet, and each contact signed in. */
async function twoApprovers(rule: 'any' | 'all' = 'any', dueAt: Date | null = null) {
  const world = await staffWorld();
  const { db, firm, staff, client, contacts } = world;
  await db.update(s.firm).set({ approvalRule: rule }).where(eq(s.firm.id, firm.id));
  const second = await createContact(db, client, { name: 'Bo Second' });
  const packet = await createPacket(db, client, { status: 'draft', period: '2034-Q2', dueAt });
  await addDocument(db, packet, { filename: 'ledger.pdf' });
  await publishPacket(db, firm, packet.id, staff.id);
  const browsers = [];
  for (const { user } of [contacts[0], second, contacts[1]]) {
    const b = new TestBrowser();
    await signIn(b, user.id, 'client');
    browsers.push(b);
  }
  const [ada, bo, vic] = browsers;
  return { ...world, packet, second, ada, bo, vic };
}

const post = (browser: TestBrowser, path: string, form: Record<string, string>) =>
  browser.post(path, form, { accept: 'text/html' });
const approve = (b: TestBrowser, packetId: string, version = 1) =>
  post(b, `/p/${packetId}?/approve`, { requestId: crypto.randomUUID(), version: String(version) });
const withdraw = (b: TestBrowser, packetId: string, version = 1) =>
  post(b, `/p/${packetId}?/withdraw`, { version: String(version) });
const decisionsOf = (packetId: string) =>
  getDb().select().from(s.decision).where(eq(s.decision.packetId, packetId));

describe('the firm approval rule', () => {
  it("'any': one approver's approval approves the version", async () => {
    const { db, firm, packet, ada } = await twoApprovers('any');
    expect((await approve(ada, packet.id)).status).toBe(200);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(true);
    const [row] = await listPacketSummaries(db, firm.id, { period: '2034-Q2' });
    expect(row).toMatchObject({ approved: 1, approvers: 2, isApproved: true, state: 'approved' });
  });

  it("'all': every approver must approve; viewers are never waited for", async () => {
    const { db, firm, packet, ada, bo, browser } = await twoApprovers('all');
    await approve(ada, packet.id);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(false);
    const waiting = await listPacketSummaries(db, firm.id, {
      period: '2034-Q2',
      status: 'waiting'
    });
    expect(waiting.map((p) => [p.id, p.state, p.approved, p.approvers])).toEqual([
      [packet.id, 'waiting', 1, 2]
    ]);
    // Ada is told who is left; the staff page counts over approvers.
    expect(textOf((await ada.get(`/p/${packet.id}`)).text)).toContain(
      'Waiting for one more approver'
    );
    const halfway = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(halfway).toContain('1 of 2 approvers approved');
    // Bo is still waited for, and still reminded.
    expect(halfway).toContain('Reminders go out automatically every 3 days to each approver');

    await approve(bo, packet.id);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(true);
    expect(textOf((await browser.get(`/firm/packets/${packet.id}`)).text)).toContain(
      'Approved, so no more reminders go out.'
    );
    const approved = await listPacketSummaries(db, firm.id, {
      period: '2034-Q2',
      status: 'approved'
    });
    expect(approved.map((p) => p.id)).toEqual([packet.id]);
  });

  it('is set by owners only, on /firm/settings, and audited', async () => {
    const { db, firm, owner, browser } = await staffWorld();
    const ownerBrowser = new TestBrowser();
    await signIn(ownerBrowser, owner.id, 'staff');
    const refused = await postForm(browser, '/firm/settings?/approvalRule', {
      approvalRule: 'all'
    });
    expect(refused.status).toBe(403);
    const bad = await postForm(ownerBrowser, '/firm/settings?/approvalRule', {
      approvalRule: 'most'
    });
    expect(bad.status).toBe(400);
    const saved = await postForm(ownerBrowser, '/firm/settings?/approvalRule', {
      approvalRule: 'all'
    });
    expect(saved.status).toBe(200);
    const [row] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(row.approvalRule).toBe('all');
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.subject, `firm:${firm.id}`));
    expect(audit.map((a) => [a.action, a.actorId, a.data])).toEqual([
      ['firm.settings_updated', owner.id, { approvalRule: { from: 'any', to: 'all' } }]
    ]);
    expect(textOf((await ownerBrowser.get('/firm/settings')).text)).toContain(
      'A packet is approved when'
    );
  });
});

describe('the chip after a question', () => {
  it('says Approved once the question is answered and the packet approved, not Question open', async () => {
    const { packet, ada, browser } = await twoApprovers('any');
    const asked = await post(ada, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'Is the van in here?',
      requestId: crypto.randomUUID()
    });
    expect(asked.status).toBe(200);
    const chipOf = async () => {
      const html = (await ada.get(`/p/${packet.id}`)).text;
      return textOf(html.slice(html.indexOf('class="period'), html.indexOf('<h1')));
    };
    expect(await chipOf()).toContain('Question open');
    await postForm(browser, `/firm/packets/${packet.id}?/reply`, { body: 'Yes, page 2.' });
    await approve(ada, packet.id);
    expect(await chipOf()).toContain('Approved');
    expect(await chipOf()).not.toContain('Question open');
    expect(textOf((await ada.get('/p')).text)).not.toContain('Question open');
  });
});

describe('a question after approving', () => {
  it('leaves the approval standing, shown and withdrawable, on both sides', async () => {
    const { db, packet, ada, browser } = await twoApprovers('any');
    expect((await approve(ada, packet.id)).status).toBe(200);
    const asked = await post(ada, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'One more thing: is the van in here?',
      requestId: crypto.randomUUID()
    });
    expect(asked.status).toBe(200);
    // The approval counts, and the contact sees it and can take it back.
    expect(await isVersionApproved(db, packet.id, 1)).toBe(true);
    const page = textOf((await ada.get(`/p/${packet.id}`)).text);
    expect(page).toContain('You approved this packet');
    expect(page).toContain('Withdraw approval');
    // Staff see the approval and the open question on the contact's row.
    const row = rowOf((await browser.get(`/firm/packets/${packet.id}`)).text, 'Ada');
    expect(row).toContain('approved');
    expect(row).toContain('question open');
    expect((await withdraw(ada, packet.id)).status).toBe(200);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(false);
  });
});

describe('withdrawing an approval', () => {
  it('keeps the decision, marks it withdrawn, audits it and returns the packet to waiting', async () => {
    const { db, packet, ada, browser } = await twoApprovers('any');
    await approve(ada, packet.id);
    const before = textOf((await ada.get(`/p/${packet.id}`)).text);
    expect(before).toContain('Withdraw approval');
    expect(before).toContain('until Firm');

    expect((await withdraw(ada, packet.id)).status).toBe(200);
    const [d] = await decisionsOf(packet.id);
    expect(d.kind).toBe('approve');
    expect(d.withdrawnAt).toBeInstanceOf(Date);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(false);
    const after = textOf((await ada.get(`/p/${packet.id}`)).text);
    expect(after).toContain('Waiting for approval');
    expect(after).toContain('then withdrew it');
    expect(after).not.toContain('Withdraw approval');
    const staffPage = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(staffPage).toContain('withdrew their approval');
    expect(staffPage).toContain('Waiting for approval');
    const [audit] = await db
      .select()
      .from(s.auditEvent)
      .where(
        and(
          eq(s.auditEvent.subject, `packet:${packet.id}`),
          eq(s.auditEvent.action, 'decision.withdrawn')
        )
      );
    expect(audit.data).toMatchObject({ version: 1 });
    // Nothing left to withdraw; approving again is a new decision.
    expect((await withdraw(ada, packet.id)).status).toBe(400);
    expect((await approve(ada, packet.id)).status).toBe(200);
    expect(await decisionsOf(packet.id)).toHaveLength(2);
    expect(await isVersionApproved(db, packet.id, 1)).toBe(true);
  });

  it('is refused once staff publish a new version or archive the packet', async () => {
    const { db, firm, staff, packet, ada, bo, browser } = await twoApprovers('any');
    await approve(ada, packet.id);
    await approve(bo, packet.id);
    await addDocument(db, { ...packet, version: 0 }, { filename: 'late.pdf' });
    await publishPacket(db, firm, packet.id, staff.id);
    const stale = await withdraw(ada, packet.id, 1);
    expect(stale.status).toBe(409);
    expect(textOf(stale.text)).toContain('already acted on this approval');
    // On version 2 there is nothing of Ada's to withdraw.
    expect((await withdraw(ada, packet.id, 2)).status).toBe(400);

    await approve(bo, packet.id, 2);
    await postForm(browser, `/firm/packets/${packet.id}?/archive`, {});
    expect((await withdraw(bo, packet.id, 2)).status).toBe(409);
    expect((await decisionsOf(packet.id)).filter((d) => d.withdrawnAt)).toEqual([]);
  });

  it("is refused to a viewer, and another firm's packet is a 404", async () => {
    const { packet, vic } = await twoApprovers('any');
    expect((await withdraw(vic, packet.id)).status).toBe(403);
    const other = await twoApprovers('any');
    await approve(other.ada, other.packet.id);
    expect((await withdraw(vic, other.packet.id)).status).toBe(404);
    expect((await decisionsOf(other.packet.id)).map((d) => d.withdrawnAt)).toEqual([null]);
  });

  it('shows a viewer that the packet is for their information, and who approved', async () => {
    const { packet, ada, vic } = await twoApprovers('any', new Date(Date.now() + DAY));
    await approve(ada, packet.id);
    const page = textOf((await vic.get(`/p/${packet.id}`)).text);
    expect(page).toContain('This packet is for your information');
    expect(page).toMatch(/Approved by Ada Approver\. \d/);
    expect(page).not.toMatch(/Approve this|I have reviewed|\bDue\b|review by/);
  });
});

// Mails only: a reminder also goes as a push notice to subscribed devices (channel 'push', no
// metadata), and other files' rows share this database.
describe('reminders and viewers', () => {
  it('reminds approvers who have not decided, never viewers, and again after a withdrawal', async () => {
    const { db, packet, ada, contacts, second } = await twoApprovers('all');
    const mailsTo = async () =>
      (
        await selectOutbox(db).where(
          and(eq(s.outbox.kind, 'reminder'), eq(s.outbox.channel, 'email'))
        )
      )
        .filter(
          (o) => (o.payload as { metadata: { packetId: string } }).metadata.packetId === packet.id
        )
        .map((o) => (o.payload as { to: string }).to)
        .sort();
    await approve(ada, packet.id);
    await sendDueReminders(db, new Date(Date.now() + 3 * DAY + 1000), { firmId: packet.firmId });
    expect(await mailsTo()).toEqual([second.user.email]);
    // Ada withdrew: she has something to do again; the viewer still has not.
    await withdraw(ada, packet.id);
    await sendDueReminders(db, new Date(Date.now() + 3 * DAY + 2000), { firmId: packet.firmId });
    expect(await mailsTo()).toEqual([contacts[0].user.email, second.user.email].sort());
  });

  it("asks nobody once one approver settled it under 'any': no reminder, no nudge", async () => {
    const { db, packet, ada, browser, second } = await twoApprovers('any');
    await approve(ada, packet.id);
    await sendDueReminders(db, new Date(Date.now() + 3 * DAY + 1000), { firmId: packet.firmId });
    const nudged = await postForm(browser, `/firm/packets/${packet.id}?/nudge`);
    expect(nudged.status).toBe(200);
    const mails = async () =>
      (await selectOutbox(db)).filter(
        (o) =>
          (o.kind === 'reminder' || o.kind === 'nudge') &&
          o.channel === 'email' &&
          (o.payload as { metadata: { packetId: string } }).metadata.packetId === packet.id
      );
    expect(await mails()).toEqual([]);
    const page = (await browser.get(`/firm/packets/${packet.id}`)).text;
    expect(textOf(page)).not.toContain('Nudge all');
    // Nor Bo alone: his mail would say the firm is waiting for his review.
    expect(rowOf(page, second.user.email)).not.toContain('Nudge');
    const one = await postForm(browser, `/firm/packets/${packet.id}?/nudge`, {
      contactId: second.contact.id
    });
    expect(one.status).toBe(400);
    // (The page shows the action's message as a toast: it is in the page's data.)
    expect(one.text).toContain('This version is approved: nobody is waiting for a review.');
    expect(await mails()).toEqual([]);
  });
});
