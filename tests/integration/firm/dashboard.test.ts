import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  countPackets,
  listNotOpened,
  listPacketSummaries
} from '../../../src/lib/server/packets/dashboard';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';

describe('the staff dashboard', () => {
  /** The page's own content, without the workspace navigation (which links to New packet). */
  const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  const linksIn = (html: string, name: string) =>
    [...html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)]
      .filter((m) => textOf(m[2]).trim() === name)
      .map((m) => m[1]);

  it('with no packets yet says so and offers one first step: a client, then a packet', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');

    const empty = mainOf((await browser.get('/firm')).text);
    expect(textOf(empty)).toContain('No packets yet');
    expect(linksIn(empty, 'Add your first client')).toEqual(['/firm/clients']);
    expect(linksIn(empty, 'New packet')).toEqual([]);
    expect(linksIn(empty, 'Bulk publish')).toEqual([]);
    // Nothing was ever sent, so nobody can have opened it, and there is nothing to filter.
    expect(textOf(empty)).not.toContain('Everyone has opened');
    expect(textOf(empty)).not.toContain('Not opened yet');
    expect(empty).not.toContain('aria-label="Filter packets"');

    const client = await createClient(db, firm.id);
    const withClient = mainOf((await browser.get('/firm')).text);
    expect(textOf(withClient)).toContain('No packets yet');
    expect(linksIn(withClient, 'New packet')).toEqual(['/firm/packets/new']);
    // Packets for many clients at once stay a secondary way in.
    expect(linksIn(withClient, 'Bulk publish')).toEqual(['/firm/packets/bulk']);
    expect(linksIn(withClient, 'Add your first client')).toEqual([]);

    // A draft is a packet (the usual page), but still nothing has been sent to anyone.
    await createPacket(db, client, { status: 'draft' });
    const withDraft = mainOf((await browser.get('/firm')).text);
    expect(textOf(withDraft)).not.toContain('No packets yet');
    expect(linksIn(withDraft, 'New packet')).toHaveLength(1);
    expect(textOf(withDraft)).not.toContain('Everyone has opened');
  });

  it('counts sent, delivered, opened, approved, open questions and bounced for the current version', async () => {
    const { db, browser, firm, staff, client, contacts } = await staffWorld();
    const third = await createContact(db, client, { name: 'Bo Bounce' });
    const packet = await createPacket(db, client, { status: 'draft', period: '2031-Q1' });
    await addDocument(db, packet, { filename: 'ledger.pdf', pages: 4 });
    await publishPacket(db, firm, packet.id, staff.id);
    const deliveries = await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id));
    const byContact = (id: string) => deliveries.find((d) => d.contactId === id)!.id;
    await db
      .update(s.delivery)
      .set({ status: 'delivered', firstOpenedAt: new Date(), lastOpenedAt: new Date() })
      .where(eq(s.delivery.id, byContact(contacts[0].contact.id)));
    await db
      .update(s.delivery)
      .set({ status: 'sent' })
      .where(eq(s.delivery.id, byContact(contacts[1].contact.id)));
    await db
      .update(s.delivery)
      .set({ status: 'bounced', statusDetail: 'Hard bounce' })
      .where(eq(s.delivery.id, byContact(third.contact.id)));
    await db.insert(s.decision).values([
      {
        firmId: firm.id,
        packetId: packet.id,
        version: 1,
        contactId: contacts[0].contact.id,
        kind: 'approve'
      },
      {
        firmId: firm.id,
        packetId: packet.id,
        version: 1,
        contactId: contacts[1].contact.id,
        kind: 'question'
      }
    ]);
    // "questions": contacts whose question waits for a reply (an answered one does not count).
    await db.insert(s.comment).values([
      { firmId: firm.id, packetId: packet.id, authorId: contacts[1].user.id, body: 'Open?' },
      {
        firmId: firm.id,
        packetId: packet.id,
        authorId: contacts[0].user.id,
        body: 'Answered already',
        answeredAt: new Date(),
        answeredBy: staff.id
      }
    ]);

    const [summary] = await listPacketSummaries(db, firm.id, { period: '2031-Q1' });
    expect(summary).toMatchObject({
      contacts: 3,
      sent: 2,
      delivered: 1,
      opened: 1,
      approved: 1,
      questions: 1,
      bounced: 1
    });
    const notOpened = (await listNotOpened(db, firm.id)).rows;
    expect(notOpened.map((n) => n.email).sort()).toEqual(
      [contacts[1].user.email, third.user.email].sort()
    );

    const page = await browser.get('/firm');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Q1 2031');
    expect(page.text).toContain('Not opened yet');
    expect(page.text).toContain(third.user.name);

    const detail = await browser.get(`/firm/packets/${packet.id}`);
    expect(detail.text).toContain('Hard bounce');
    expect(detail.text).toContain('approved');
  });

  it('searches and filters by period and status', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const other = await createClient(db, firm.id, { name: 'Zephyr Yachts' });
    await createPacket(db, client, { status: 'draft', period: '2032-Q2', title: 'Spring' });
    await createPacket(db, other, { status: 'published', period: '2032-Q3', title: 'Summer' });
    const search = await browser.get('/firm?q=zephyr');
    expect(search.text).toContain('Zephyr Yachts');
    expect(search.text).not.toContain('Acme Bakery');
    const period = await browser.get('/firm?period=2032-Q2');
    expect(period.text).toContain('Acme Bakery');
    expect(period.text).not.toContain('Zephyr Yachts');
    const drafts = await browser.get('/firm?status=draft');
    expect(drafts.text).toContain('Spring');
    expect(drafts.text).not.toContain('Summer');
  });
});

describe('the dashboard at scale and by approval', () => {
  /** The visible text of a page: tags gone, whitespace collapsed. */
  /** The packets listed (not those in the "Not opened yet" aside). */
  const packetLinks = (html: string) =>
    new Set(
      [
        ...html
          .slice(0, html.indexOf('<aside'))
          .matchAll(/href="\/firm\/packets\/([0-9a-f-]{36})"/g)
      ].map((m) => m[1])
    );

  it('filters packets waiting for approval and approved ones (viewers are not waited for)', async () => {
    const { db, browser, firm, staff, client, contacts } = await staffWorld();
    const [approver, viewer] = contacts;
    const publish = async (title: string) => {
      const p = await createPacket(db, client, { status: 'draft', period: '2033-Q1', title });
      await addDocument(db, p);
      await publishPacket(db, firm, p.id, staff.id);
      return p;
    };
    const decide = (packetId: string, contactId: string, kind: 'approve' | 'question') =>
      db.insert(s.decision).values({ firmId: firm.id, packetId, version: 1, contactId, kind });
    const untouched = await publish('Untouched pack');
    const asked = await publish('Asked pack');
    await decide(asked.id, viewer.contact.id, 'question');
    // Approved by the approver; the viewer, who cannot approve, has not decided.
    const approved = await publish('Approved pack');
    await decide(approved.id, approver.contact.id, 'approve');
    // Approved on version 1, then updated: waiting again for version 2.
    const updated = await publish('Updated pack');
    await decide(updated.id, approver.contact.id, 'approve');
    await addDocument(db, { ...updated, version: 0 });
    await publishPacket(db, firm, updated.id, staff.id);
    const draft = await createPacket(db, client, { status: 'draft', period: '2033-Q1' });
    const archived = await publish('Archived pack');
    await decide(archived.id, approver.contact.id, 'approve');
    await db.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, archived.id));

    const ids = async (status: string) =>
      (await listPacketSummaries(db, firm.id, { status: status as 'waiting' })).map((p) => p.id);
    expect((await ids('waiting')).sort()).toEqual([untouched.id, asked.id, updated.id].sort());
    expect(await ids('approved')).toEqual([approved.id]);

    const waiting = await browser.get('/firm?status=waiting');
    expect(packetLinks(waiting.text)).toEqual(new Set([untouched.id, asked.id, updated.id]));
    const done = await browser.get('/firm?status=approved');
    expect(packetLinks(done.text)).toEqual(new Set([approved.id]));
    // Out of the one approver: the viewer is not counted.
    expect(textOf(done.text)).toContain('approved 1 /1');
    for (const page of [waiting, done]) {
      expect(packetLinks(page.text).has(draft.id)).toBe(false);
      expect(packetLinks(page.text).has(archived.id)).toBe(false);
    }
  });

  it('pages through more packets than fit on one page, keeping the filters', async () => {
    const { db, browser, firm, client } = await staffWorld();
    await db.insert(s.packet).values(
      Array.from({ length: 105 }, (_, i) => ({
        firmId: firm.id,
        clientId: client.id,
        title: `Pack ${i}`,
        period: '2034-Q2'
      }))
    );
    expect(await countPackets(db, firm.id, { period: '2034-Q2' })).toBe(105);

    const first = await browser.get('/firm?period=2034-Q2');
    expect(textOf(first.text)).toContain('Showing 1–100 of 105 packets');
    expect(textOf(first.text)).toContain('Page 1 of 2');
    expect(packetLinks(first.text).size).toBe(100);
    expect(first.text).toContain('href="?period=2034-Q2&amp;page=2"');

    const second = await browser.get('/firm?period=2034-Q2&page=2');
    expect(textOf(second.text)).toContain('Showing 101–105 of 105 packets');
    expect(packetLinks(second.text).size).toBe(5);
    // The two pages together are every packet, once.
    const all = new Set([...packetLinks(first.text), ...packetLinks(second.text)]);
    expect(all.size).toBe(105);
    expect(second.text).toContain('href="?period=2034-Q2"');
    expect(second.text).not.toContain('rel="next"');

    // One page: no paging at all.
    const few = await browser.get('/firm?period=2034-Q2&q=Pack%2010');
    expect(few.text).not.toContain('Showing');
    expect(few.text).not.toContain('Pages of packets');
  });

  it('"Not opened yet" leaves out ended access and says how many more there are', async () => {
    const { db, browser, firm, staff, client, contacts } = await staffWorld();
    const more = [];
    for (let i = 0; i < 52; i++)
      more.push(await createContact(db, client, { name: `Pat-${String(i).padStart(2, '0')}` }));
    const guest = await createContact(db, client, {
      name: 'Gus Gone',
      accessExpiresAt: new Date(Date.now() + 60_000)
    });
    const packet = await createPacket(db, client, { status: 'draft', period: '2035-Q1' });
    await addDocument(db, packet);
    await publishPacket(db, firm, packet.id, staff.id);
    // 55 mails went out; the guest's access then ended and one contact opened theirs.
    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, guest.contact.id));
    await db
      .update(s.delivery)
      .set({ firstOpenedAt: new Date() })
      .where(eq(s.delivery.contactId, contacts[0].contact.id));

    const { rows, total } = await listNotOpened(db, firm.id);
    expect(total).toBe(53);
    expect(rows).toHaveLength(50);
    expect(rows.some((r) => r.email === guest.user.email)).toBe(false);

    const page = textOf((await browser.get('/firm')).text);
    const aside = page.slice(page.indexOf('Not opened yet'));
    expect(aside).toMatch(/^Not opened yet · 53 /);
    expect(aside).toContain('Showing the 50 oldest of 53. Show more');
    expect(aside).not.toContain('Gus Gone');
    const all = await browser.get('/firm?notOpened=all');
    const allText = textOf(all.text);
    for (const c of [contacts[1], ...more]) expect(allText).toContain(c.user.name);
    expect(allText).not.toContain('Gus Gone');
    expect(allText).not.toContain('Showing the');
  });
});

describe('packet details, files and history', () => {
  it('edits details, archives and restores, and keeps an audit trail', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const bad = await postForm(browser, `/firm/packets/${packet.id}?/update`, {
      title: '',
      period: '2026-Q3',
      note: '',
      dueAt: 'soon'
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a title.');
    const ok = await postForm(browser, `/firm/packets/${packet.id}?/update`, {
      title: 'Year-end pack',
      period: '2026-FY',
      note: 'All in one place.',
      dueAt: '2027-01-31'
    });
    expect(ok.status).toBe(200);
    const [row] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(row).toMatchObject({ title: 'Year-end pack', period: '2026-FY' });
    expect(row.dueAt?.toISOString().slice(0, 10)).toBe('2027-01-31');
    await postForm(browser, `/firm/packets/${packet.id}?/archive`);
    expect((await db.select().from(s.packet).where(eq(s.packet.id, packet.id)))[0].status).toBe(
      'archived'
    );
    await postForm(browser, `/firm/packets/${packet.id}?/archive`, { restore: '1' });
    expect((await db.select().from(s.packet).where(eq(s.packet.id, packet.id)))[0].status).toBe(
      'draft'
    );
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('edited the details');
    expect(page.text).toContain('archived the packet');
  });

  it('serves its own documents to staff as a sandboxed PDF', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const doc = await addDocument(db, packet);
    const response = await browser.get(`/firm/packets/${packet.id}/documents/${doc.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    expect(response.text.startsWith('%PDF-')).toBe(true);
  });

  it('shows a question pinned to a page with a link to that page', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client);
    const doc = await addDocument(db, packet, { filename: 'bank.pdf' });
    await db.insert(s.comment).values({
      firmId: packet.firmId,
      packetId: packet.id,
      authorId: contacts[0].user.id,
      documentId: doc.id,
      page: 3,
      body: 'What is the 412.50 on this page?'
    });
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('What is the 412.50 on this page?');
    expect(page.text).toContain(`/firm/packets/${packet.id}/documents/${doc.id}#page=3`);
    expect(page.text).toContain('Page 3 of bank →');
  });

  it('edits a contact role and guest expiry; an ended guest leaves the recipients', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const id = contacts[1].contact.id;
    const bad = await postForm(browser, `/firm/clients/${client.id}?/updateContact`, {
      contactId: id,
      role: 'boss',
      accessExpiresAt: ''
    });
    expect(bad.status).toBe(400);
    const ok = await postForm(browser, `/firm/clients/${client.id}?/updateContact`, {
      contactId: id,
      role: 'approver',
      accessExpiresAt: '2020-01-01'
    });
    expect(ok.status).toBe(200);
    const [row] = await db.select().from(s.clientContact).where(eq(s.clientContact.id, id));
    expect(row.role).toBe('approver');
    const packet = await createPacket(db, client, { status: 'draft' });
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain(contacts[0].user.email);
    expect(page.text).toMatch(/goes to\s+1 contact:/);
  });
});
