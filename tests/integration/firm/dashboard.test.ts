import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { listNotOpened, listPacketSummaries } from '../../../src/lib/server/packets/dashboard';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { addDocument, createClient, createContact, createPacket } from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';

describe('the staff dashboard', () => {
  it('counts sent, delivered, opened, approved, questions and bounced for the current version', async () => {
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
    const notOpened = await listNotOpened(db, firm.id);
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
    expect(page.text).toContain('Page 3 of bank.pdf');
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
