// Issue 18, "Needs reply": a contact's question is open until staff answer it (a reply, or "Mark
// answered"); the dashboard lists the firm's open ones oldest first, the app bar counts them,
// the client's "Question open" chip follows, and the reply mail quotes what it answers.
import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import {
  countNeedsReply,
  listNeedsReply,
  needsReplyOf,
  setQuestionAnswered
} from '../../../src/lib/server/packets/needs-reply';
import { replyToThread } from '../../../src/lib/server/packets/thread';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

const HOUR = 60 * 60 * 1000;

async function ask(
  db: Awaited<ReturnType<typeof staffWorld>>['db'],
  packet: s.Packet,
  authorId: string,
  body: string,
  hoursAgo: number,
  extra: Partial<s.Comment> = {}
) {
  const [row] = await db
    .insert(s.comment)
    .values({
      firmId: packet.firmId,
      packetId: packet.id,
      authorId,
      body,
      at: new Date(Date.now() - hoursAgo * HOUR),
      ...extra
    })
    .returning();
  return row;
}

const commentById = async (db: Awaited<ReturnType<typeof staffWorld>>['db'], id: string) =>
  (await db.select().from(s.comment).where(eq(s.comment.id, id)))[0];

/** The dashboard's Needs reply section. */
const needsReplySection = (html: string) =>
  html.slice(html.indexOf('id="needs-reply"'), html.indexOf('class="filters"'));

describe('Needs reply', () => {
  it("lists the firm's open questions oldest first, with age, and counts them in the app bar", async () => {
    const w = await staffWorld();
    const { db, firm, browser, client, contacts } = w;
    const packet = await createPacket(db, client, { title: 'Year end', period: '2031-Q4' });
    const doc = await addDocument(db, packet, { filename: 'ledger.pdf', pages: 4 });
    const newest = await ask(db, packet, contacts[0].user.id, 'Newest question', 5);
    const oldest = await ask(db, packet, contacts[1].user.id, 'Oldest question', 50, {
      documentId: doc.id,
      page: 3
    });
    const middle = await ask(db, packet, contacts[0].user.id, 'Middle question', 30);
    await ask(db, packet, contacts[0].user.id, 'Answered question', 70, {
      answeredAt: new Date(),
      answeredBy: w.staff.id
    });
    // A staff comment is never a question; another firm's questions are not ours.
    await ask(db, packet, w.staff.id, 'Staff note', 80, { authorKind: 'staff' });
    const other = await createFirmWithStaff(db);
    const otherClient = await createClient(db, other.firm.id);
    const { user: otherUser } = await createContact(db, otherClient);
    const otherPacket = await createPacket(db, otherClient);
    await ask(db, otherPacket, otherUser.id, 'Other firm question', 100);

    const { rows, total } = await listNeedsReply(db, firm.id);
    expect(rows.map((r) => r.id)).toEqual([oldest.id, middle.id, newest.id]);
    expect(total).toBe(3);
    expect(rows[0]).toMatchObject({
      packetId: packet.id,
      clientName: 'Acme Bakery',
      packetTitle: 'Year end',
      period: '2031-Q4',
      authorName: 'Vic Viewer',
      documentName: 'ledger',
      page: 3,
      excerpt: 'Oldest question'
    });
    expect(await countNeedsReply(db, firm.id)).toBe(3);
    const capped = await listNeedsReply(db, firm.id, 2);
    expect(capped.rows.map((r) => r.id)).toEqual([oldest.id, middle.id]);
    expect(capped.total).toBe(3);

    const page = await browser.get('/firm');
    expect(page.status).toBe(200);
    const list = needsReplySection(page.text);
    expect(list.indexOf('Oldest question')).toBeLessThan(list.indexOf('Middle question'));
    expect(list.indexOf('Middle question')).toBeLessThan(list.indexOf('Newest question'));
    expect(list).not.toContain('Answered question');
    expect(list).not.toContain('Other firm question');
    expect(list).not.toContain('Staff note');
    expect(list).toContain(`/firm/packets/${packet.id}#q-${oldest.id}`);
    expect(list).toContain('2 days ago');
    expect(list).toContain('5 hours ago');
    expect(list).toContain(`datetime="${oldest.at.toISOString()}"`);
    expect(list).toMatch(/page 3 of ledger(?!\.pdf)\b/);
    expect(list).toContain('Q4 2031 · Year end');
    expect(list).toContain(`/firm/packets/${packet.id}?/markAnswered`);
    // The app bar, on every staff page.
    const clients = await browser.get('/firm/clients');
    expect(clients.text).toContain('aria-label="Needs reply: 3 questions"');
    expect(clients.text).toContain('href="/firm#needs-reply"');
  });

  it('says so calmly when nothing waits, and the app bar shows no count', async () => {
    const { db, browser, client } = await staffWorld();
    // A firm with no packets yet sees only the onboarding card.
    const first = await browser.get('/firm');
    expect(first.text).toContain('No packets yet');
    expect(first.text).not.toContain('id="needs-reply"');
    await createPacket(db, client);
    const page = await browser.get('/firm');
    expect(needsReplySection(page.text)).toContain('No questions are waiting');
    expect(page.text).not.toContain('aria-label="Needs reply');
  });

  it('a reply naming a question answers that one only, and its mail quotes it', async () => {
    const { db, firm, staff, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { title: 'Q1 review', period: '2031-Q1' });
    const asked = await ask(db, packet, contacts[0].user.id, 'Is <b>this</b> "fee" & right?', 26);
    const other = await ask(db, packet, contacts[1].user.id, 'And the rent?', 2);

    const sent = await postForm(browser, `/firm/packets/${packet.id}?/reply`, {
      body: 'Yes, that fee is right.',
      replyTo: asked.id
    });
    expect(sent.status).toBe(200);
    const answered = await commentById(db, asked.id);
    expect(answered.answeredAt).not.toBeNull();
    expect(answered.answeredBy).toBe(staff.id);
    expect((await commentById(db, other.id)).answeredAt).toBeNull();
    const [reply] = await db
      .select()
      .from(s.comment)
      .where(and(eq(s.comment.packetId, packet.id), eq(s.comment.authorKind, 'staff')));
    expect(reply).toMatchObject({ replyTo: asked.id, body: 'Yes, that fee is right.' });
    expect(answered.answeredAt!.getTime()).toBe(reply.at.getTime());
    expect((await listNeedsReply(db, firm.id)).rows.map((r) => r.id)).toEqual([other.id]);

    // The asker reads "You asked"; a colleague reads who asked. Escaped in the HTML part.
    const [toAsker] = await mailsTo(contacts[0].user.email);
    expect(toAsker.kind).toBe('reply');
    expect(toAsker.replyTo).toBe(firm.replyTo);
    expect(toAsker.text).toMatch(/You asked on \w{3} \d{1,2} \w{3}, \d\d:\d\d UTC:/);
    expect(toAsker.text).toContain('> “Is <b>this</b> "fee" & right?”');
    expect(toAsker.text.indexOf('You asked')).toBeLessThan(toAsker.text.indexOf('Yes, that fee'));
    expect(toAsker.html).toContain('You asked on');
    expect(toAsker.html).toContain('Is &#60;b&#62;this&#60;/b&#62; &#34;fee&#34; &#38; right?');
    expect(toAsker.html).not.toContain('<b>this</b>');
    const [toColleague] = await mailsTo(contacts[1].user.email);
    expect(toColleague.text).toContain('Ada Approver asked on');
    expect(toColleague.text).not.toContain('And the rent?');

    // The thread shows who answered it, with its anchor; the open one offers Reply.
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain(`id="q-${asked.id}"`);
    expect(page.text).toContain('Answered by Sam Staff');
    expect(page.text).toContain('In reply to Ada Approver’s question');
    expect(page.text).toContain(`?replyTo=${other.id}#reply`);
    // Without JavaScript, ?replyTo= chooses the question to answer.
    const chosen = await browser.get(`/firm/packets/${packet.id}?replyTo=${other.id}`);
    expect(chosen.text).toContain(`name="replyTo" value="${other.id}"`);
    expect(chosen.text).toContain('Reply to Vic Viewer');
  });

  it('a reply naming no question answers every open one of the packet', async () => {
    const { db, staff, owner, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client);
    const elsewhere = await createPacket(db, client, { title: 'Another packet' });
    const earlier = new Date(Date.now() - 72 * HOUR);
    const done = await ask(db, packet, contacts[0].user.id, 'Done before', 80, {
      answeredAt: earlier,
      answeredBy: owner.id
    });
    const a = await ask(db, packet, contacts[0].user.id, 'First open', 10);
    const b = await ask(db, packet, contacts[1].user.id, 'Second open', 3);
    const untouched = await ask(db, elsewhere, contacts[0].user.id, 'Other packet', 4);

    const sent = await postForm(browser, `/firm/packets/${packet.id}?/reply`, {
      body: 'Both answered here.'
    });
    expect(sent.status).toBe(200);
    for (const q of [a, b]) {
      expect(await commentById(db, q.id)).toMatchObject({ answeredBy: staff.id });
      expect((await commentById(db, q.id)).answeredAt).not.toBeNull();
    }
    expect(await commentById(db, done.id)).toMatchObject({
      answeredAt: earlier,
      answeredBy: owner.id
    });
    expect((await commentById(db, untouched.id)).answeredAt).toBeNull();
    const [mail] = await mailsTo(contacts[0].user.email);
    expect(mail.text).toContain('You asked on');
    expect(mail.text).toContain('“First open”');
    expect(mail.text).toContain('Vic Viewer asked on');
    expect(mail.text).toContain('“Second open”');
    expect(mail.text).not.toContain('Done before');

    // With nothing open, a reply quotes nothing and still goes out.
    await postForm(browser, `/firm/packets/${packet.id}?/reply`, { body: 'One more thing.' });
    const [plain] = await mailsTo(contacts[0].user.email);
    expect(plain.text).toContain('One more thing.');
    expect(plain.text).not.toContain('asked on');
  });

  it('refuses a replyTo that is not a question of this packet, and writes nothing', async () => {
    const { db, firm, staff, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client);
    const sibling = await createPacket(db, client, { title: 'Sibling' });
    const open = await ask(db, packet, contacts[0].user.id, 'Still open', 5);
    const siblings = await ask(db, sibling, contacts[0].user.id, 'Sibling question', 5);
    const staffNote = await ask(db, packet, staff.id, 'A staff note', 4, { authorKind: 'staff' });
    const other = await createFirmWithStaff(db);
    const otherClient = await createClient(db, other.firm.id);
    const { user: otherUser } = await createContact(db, otherClient);
    const otherPacket = await createPacket(db, otherClient);
    const theirs = await ask(db, otherPacket, otherUser.id, 'Their question', 5);

    for (const replyTo of [siblings.id, staffNote.id, theirs.id, crypto.randomUUID(), 'nope']) {
      const response = await postForm(browser, `/firm/packets/${packet.id}?/reply`, {
        body: 'Should not land',
        replyTo
      });
      expect(response.status, replyTo).toBe(404);
      expect(response.text).toContain('That question is not in this packet');
    }
    const comments = await db.select().from(s.comment).where(eq(s.comment.packetId, packet.id));
    expect(comments.map((c) => c.body).sort()).toEqual(['A staff note', 'Still open']);
    expect((await commentById(db, open.id)).answeredAt).toBeNull();
    expect((await commentById(db, theirs.id)).answeredAt).toBeNull();
    expect(await mailsTo(contacts[0].user.email)).toEqual([]);
    // The service says the same to a direct caller.
    const direct = await replyToThread(db, firm, packet, staff, 'x', { replyTo: theirs.id });
    expect(direct).toEqual({ ok: false });
  });

  it('marks a question answered without replying, and reopens it, with audit events', async () => {
    const { db, firm, staff, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client);
    const q = await ask(db, packet, contacts[0].user.id, 'Thanks, all clear', 6);

    const marked = await postForm(browser, `/firm/packets/${packet.id}?/markAnswered`, {
      questionId: q.id
    });
    expect(marked.status).toBe(200);
    expect(await commentById(db, q.id)).toMatchObject({ answeredBy: staff.id });
    expect(await countNeedsReply(db, firm.id)).toBe(0);
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('Marked answered by Sam Staff');
    expect(page.text).toContain('marked a question answered');
    // No mail goes to the client for a silent "answered".
    expect(await mailsTo(contacts[0].user.email)).toEqual([]);
    // Marking it again changes nothing and records nothing more.
    await postForm(browser, `/firm/packets/${packet.id}?/markAnswered`, { questionId: q.id });

    const reopened = await postForm(browser, `/firm/packets/${packet.id}?/reopen`, {
      questionId: q.id
    });
    expect(reopened.status).toBe(200);
    expect(await commentById(db, q.id)).toMatchObject({ answeredAt: null, answeredBy: null });
    expect(await countNeedsReply(db, firm.id)).toBe(1);
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.subject, `packet:${packet.id}`));
    expect(audit.map((a) => a.action).sort()).toEqual([
      'question.marked_answered',
      'question.reopened'
    ]);
    expect(audit[0]).toMatchObject({ firmId: firm.id, actorId: staff.id });

    // From the dashboard, without JavaScript: back to the list.
    const fromDashboard = await postForm(browser, `/firm/packets/${packet.id}?/markAnswered`, {
      questionId: q.id,
      next: 'dashboard'
    });
    expect(fromDashboard.status).toBe(303);
    expect(fromDashboard.location).toBe('/firm#needs-reply');
    expect((await commentById(db, q.id)).answeredAt).not.toBeNull();

    // The service refuses another packet's question.
    const sibling = await createPacket(db, client);
    expect(await setQuestionAnswered(db, sibling, q.id, staff, false)).toEqual({ ok: false });
    expect((await commentById(db, q.id)).answeredAt).not.toBeNull();
  });

  it('says "Marked answered" once a replied question is reopened and marked', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client);
    const q = await ask(db, packet, contacts[0].user.id, 'Which account is this?', 3);
    const entry = async () => {
      const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
      const start = html.indexOf(`id="q-${q.id}"`);
      return html.slice(start, html.indexOf('</li>', start));
    };
    await postForm(browser, `/firm/packets/${packet.id}?/reply`, { body: 'The savings one.' });
    expect(await entry()).toContain('Answered by Sam Staff');
    await postForm(browser, `/firm/packets/${packet.id}?/reopen`, { questionId: q.id });
    expect(await entry()).toContain('needs reply');
    await postForm(browser, `/firm/packets/${packet.id}?/markAnswered`, { questionId: q.id });
    expect(await entry()).toContain('Marked answered by Sam Staff');
  });

  it("the client's Question open chip follows the answered state", async () => {
    const { db, browser: staffBrowser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { title: 'Chip packet' });
    await addDocument(db, packet);
    const contact = new TestBrowser();
    await signIn(contact, contacts[0].user.id, 'client');
    const asked = await contact.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'Where is March?' },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    const [q] = await db.select().from(s.comment).where(eq(s.comment.packetId, packet.id));
    expect(q).toMatchObject({ authorKind: 'contact', answeredAt: null });
    const chip = async () => (await contact.get(`/p/${packet.id}`)).text.includes('Question open');
    expect(await chip()).toBe(true);
    expect((await contact.get('/p')).text).toContain('Question open');

    await postForm(staffBrowser, `/firm/packets/${packet.id}?/markAnswered`, { questionId: q.id });
    expect(await chip()).toBe(false);
    await postForm(staffBrowser, `/firm/packets/${packet.id}?/reopen`, { questionId: q.id });
    expect(await chip()).toBe(true);
    await postForm(staffBrowser, `/firm/packets/${packet.id}?/reply`, {
      body: 'In the second PDF.'
    });
    expect(await chip()).toBe(false);
    expect((await contact.get('/p')).text).not.toContain('Question open');
  });

  it('lists and counts through the partial index comment_needs_reply', async () => {
    const { db, firm } = await staffWorld();
    const queries = [
      db
        .select({ id: s.comment.id })
        .from(s.comment)
        .where(needsReplyOf(firm.id))
        .orderBy(asc(s.comment.at))
        .limit(50),
      db
        .select({ n: sql<number>`count(*)` })
        .from(s.comment)
        .where(needsReplyOf(firm.id))
    ];
    for (const query of queries) {
      // With sequential scans priced out, the planner takes the index if its predicate matches.
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return JSON.stringify(await tx.execute(sql`explain ${query}`));
      });
      expect(plan).toContain('comment_needs_reply');
    }
  });
});
