// The packet's audit trail (its "Activity" on the staff packet page): besides what staff do,
// the client's approvals and questions, automatic reminders and document reordering.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { addDocument, createPacket, signIn } from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';

const DAY = 86_400_000;

/** `n` "moved a document" events of a packet, a step apart from a day ago, doc-`from`… onward. */
const movedEvents = (
  world: { firmId: string; staffId: string; packetId: string },
  from: number,
  n: number,
  stepMs: number
) =>
  Array.from({ length: n }, (_, i) => ({
    firmId: world.firmId,
    actorId: world.staffId,
    action: 'document.moved',
    subject: `packet:${world.packetId}`,
    at: new Date(Date.now() - DAY + (from + i) * stepMs),
    data: { filename: `doc-${from + i}.pdf`, direction: 'up', position: 1 }
  }));

/** The visible text of the page's Activity card. */
const activityOf = (html: string) =>
  html
    .slice(html.indexOf('>Activity<'))
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the packet audit trail', () => {
  it('logs reordering, automatic reminders, approvals and questions with readable labels', async () => {
    const { db, browser, firm, staff, client, contacts } = await staffWorld();
    const [approver, viewer] = contacts;
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet, { filename: 'a-ledger.pdf', position: 0 });
    const second = await addDocument(db, packet, { filename: 'b-bank.pdf', position: 1 });
    const trail = async () =>
      (
        await db
          .select()
          .from(s.auditEvent)
          .where(eq(s.auditEvent.subject, `packet:${packet.id}`))
      )
        .map((a) => a.action)
        .sort();

    // Staff move the second document to the top.
    const moved = await postForm(browser, `/firm/packets/${packet.id}?/moveDocument`, {
      documentId: second.id,
      direction: 'up'
    });
    expect(moved.status).toBe(200);
    // A move that cannot happen is not logged.
    const edge = await postForm(browser, `/firm/packets/${packet.id}?/moveDocument`, {
      documentId: second.id,
      direction: 'up'
    });
    expect(edge.status).toBe(400);
    expect(await trail()).toEqual(['document.moved']);

    await publishPacket(db, firm, packet.id, staff.id);
    // The worker's automatic reminder, three days on (other tests' packets may be due too): one
    // entry for the packet, naming the approver (a viewer is never chased), no actor.
    expect(
      await sendDueReminders(db, new Date(Date.now() + 3 * DAY + 1000), { firmId: firm.id })
    ).toBeGreaterThanOrEqual(1);
    const [reminded] = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.action, 'packet.reminded'))
      .then((rows) => rows.filter((r) => r.subject === `packet:${packet.id}`));
    expect(reminded).toMatchObject({ firmId: firm.id, actorId: null });
    expect((reminded.data as { contacts: string[] }).contacts).toEqual([approver.user.email]);

    // The approver approves (twice: the repeat is a replay and logs nothing more).
    const phone = new TestBrowser();
    await signIn(phone, approver.user.id, 'client');
    const requestId = randomUUID();
    for (let i = 0; i < 2; i++) {
      const approved = await phone.post(
        `/p/${packet.id}?/approve`,
        { version: '1', requestId },
        { accept: 'text/html' }
      );
      expect(approved.status).toBe(200);
    }
    // The viewer asks a question.
    const tablet = new TestBrowser();
    await signIn(tablet, viewer.user.id, 'client');
    const asked = await tablet.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'Why is the bank fee twice?', requestId: randomUUID() },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);

    expect(await trail()).toEqual([
      'document.moved',
      'packet.approved',
      'packet.published',
      'packet.question_asked',
      'packet.reminded'
    ]);
    const events = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.subject, `packet:${packet.id}`));
    const byAction = (action: string) => events.find((e) => e.action === action)!;
    expect(byAction('packet.approved')).toMatchObject({
      firmId: firm.id,
      actorId: approver.user.id,
      data: { version: 1, contactId: approver.contact.id }
    });
    expect(byAction('packet.question_asked')).toMatchObject({
      firmId: firm.id,
      actorId: viewer.user.id,
      data: { version: 1, excerpt: 'Why is the bank fee twice?' }
    });
    expect(byAction('document.moved')).toMatchObject({
      actorId: staff.id,
      data: { documentId: second.id, filename: 'b-bank.pdf', direction: 'up', position: 1 }
    });

    // Staff read it on the packet page, in words.
    const activity = activityOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(activity).toContain('Sam Staff moved a document — b-bank.pdf to position 1');
    expect(activity).toContain('Sheaf sent an automatic reminder —');
    expect(activity).toContain(approver.user.email);
    expect(activity).toContain('Ada Approver approved — version 1');
    expect(activity).toContain('Vic Viewer asked a question — “Why is the bank fee twice?”');
    expect(activity).toContain('Sam Staff published — version 1 to 2 contacts');
  });

  it('shows the latest six entries in full and the earlier ones folded, none cut off', async () => {
    const { db, browser, firm, staff, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet, { filename: 'ledger.pdf', position: 0 });
    const world = { firmId: firm.id, staffId: staff.id, packetId: packet.id };
    await db.insert(s.auditEvent).values(movedEvents(world, 1, 9, 60_000));
    const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
    const card = html.slice(html.indexOf('>Activity<'));
    const [recent, earlier] = card.split('<details');
    const moves = (text: string) =>
      [...textOf(text).matchAll(/doc-(\d)\.pdf/g)].map((m) => Number(m[1]));
    // Newest first: 9 down to 4 in full, then "Earlier activity (3)" folding 3, 2 and 1.
    expect(moves(recent)).toEqual([9, 8, 7, 6, 5, 4]);
    const folded = earlier.slice(0, earlier.indexOf('</details>'));
    expect(textOf(folded.slice(folded.indexOf('<summary')))).toMatch(/^ Earlier activity \(3\) /);
    expect(moves(folded)).toEqual([3, 2, 1]);
    // No scrolling box that cuts an entry at its edge.
    expect(card.slice(0, card.indexOf('</ol>'))).not.toContain('tabindex');
  });

  it('says when the page lists only the most recent entries and the CSV has the rest', async () => {
    const { db, browser, firm, staff, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const world = { firmId: firm.id, staffId: staff.id, packetId: packet.id };
    const summary = async () => {
      const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
      const at = html.indexOf('<summary');
      return textOf(html.slice(at, html.indexOf('</summary>', at))).trim();
    };
    await db.insert(s.auditEvent).values(movedEvents(world, 0, 199, 1000));
    expect(await summary()).toBe('Earlier activity (193)');
    await db.insert(s.auditEvent).values(movedEvents(world, 199, 6, 1000));
    expect(await summary()).toBe('Earlier activity (194 most recent; the CSV has all)');
  });

  it("cuts a long question's excerpt between characters, never inside an emoji", async () => {
    const { db, firm, staff, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet, { filename: 'ledger.pdf', position: 0 });
    await publishPacket(db, firm, packet.id, staff.id);
    const phone = new TestBrowser();
    await signIn(phone, contacts[0].user.id, 'client');
    // Emoji (two UTF-16 units each) straddle the 90th unit (the staff alert's preheader) and
    // the 119th (the audit excerpt): halves of them made the database refuse the question.
    const body = `${'a'.repeat(89)}😀${'b'.repeat(27)}😀 and the rest of a long question`;
    const asked = await phone.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body, requestId: randomUUID() },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    const [event] = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.action, 'packet.question_asked'))
      .then((rows) => rows.filter((r) => r.subject === `packet:${packet.id}`));
    expect((event.data as { excerpt: string }).excerpt).toBe(
      `${'a'.repeat(89)}😀${'b'.repeat(27)}😀…`
    );
  });
});
