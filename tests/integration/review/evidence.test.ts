// What an approval carries as proof (issue 21): the version, server time, IP through the proxy
// header, user agent, how the contact signed in, each document's upload-time SHA-256 and the
// consent sentence the confirm sheet shows; and a contact's first open of each document per
// version as an audit event.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { getBlobStore, readBlob } from '../../../src/lib/server/storage';
import { consentSentence } from '../../../src/lib/components/review/approval-words';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { codeOf, latestMailTo, linkPathOf } from '../../support/mail';
import { TestBrowser } from '../../support/server';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

async function packetWithTwoDocuments() {
  const db = getDb();
  const { firm } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id, { name: 'Harbour Bakery Ltd' });
  const { contact, user } = await createContact(db, client, { name: 'Casey Baker' });
  const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
  const bank = await addDocument(db, packet, { filename: 'Bank statement.pdf', position: 0 });
  const ledger = await addDocument(db, packet, { filename: 'Ledger.pdf', pages: 3, position: 1 });
  return { db, firm, client, contact, user, packet, docs: [bank, ledger] };
}

/** Signs a phone in as the contact the way a person does: the mail's link, or its code. */
async function signInByMail(email: string, via: 'link' | 'code') {
  const phone = new TestBrowser(PHONE_UA);
  phone.ip = '203.0.113.44';
  await phone.post('/sign-in', { email });
  const mail = await latestMailTo(email);
  const r =
    via === 'link'
      ? await phone.post(linkPathOf(mail))
      : await phone.post('/sign-in/code', { code: codeOf(mail) });
  expect(r.status).toBe(303);
  return phone;
}

const decisionsOf = (packetId: string) =>
  getDb().select().from(s.decision).where(eq(s.decision.packetId, packetId));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('an approval', () => {
  for (const via of ['link', 'code'] as const) {
    it(`records its evidence (signed in by ${via})`, async () => {
      const { packet, user, contact, docs } = await packetWithTwoDocuments();
      const phone = await signInByMail(user.email, via);
      const before = Date.now();
      const r = await phone.post(`/p/${packet.id}?/approve`, {
        version: '1',
        requestId: `evidence-${via}-${Date.now()}`
      });
      expect(r.status).toBe(200);

      const [row] = await decisionsOf(packet.id);
      expect(row).toMatchObject({
        kind: 'approve',
        version: 1,
        contactId: contact.id,
        ip: '203.0.113.44',
        userAgent: PHONE_UA,
        signInMethod: via,
        consent: 'I have reviewed these 2 documents and approve them.'
      });
      expect(row.consent).toBe(consentSentence(2));
      // The server's clock, not anything the phone sent.
      expect(row.at.getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect(row.documents?.map((d) => d.name)).toEqual(['Bank statement', 'Ledger']);
      expect(row.documents?.map((d) => d.pages)).toEqual([2, 3]);
      // The hashes are the upload-time ones, and they match the files the firm holds.
      for (const [i, doc] of docs.entries()) {
        const held = await readBlob(getBlobStore(), doc.blobKey);
        expect(row.documents?.[i]).toMatchObject({ id: doc.id, sha256: doc.sha256 });
        expect(sha256(held)).toBe(row.documents?.[i].sha256);
      }

      const [audit] = await getDb()
        .select()
        .from(s.auditEvent)
        .where(
          and(
            eq(s.auditEvent.action, 'packet.approved'),
            eq(s.auditEvent.subject, `packet:${packet.id}`)
          )
        );
      expect(audit).toMatchObject({ ip: '203.0.113.44', ua: PHONE_UA, actorId: user.id });
      expect(audit.data).toMatchObject({ version: 1, decisionId: row.id, signInMethod: via });
    });
  }

  it('names the documents of the version approved, not a draft added since', async () => {
    const { db, packet, user } = await packetWithTwoDocuments();
    // Staff upload a third document after publishing: contacts do not see it yet.
    await addDocument(db, { ...packet, version: 0 }, { filename: 'Draft notes.pdf' });
    const phone = await signInByMail(user.email, 'link');
    await phone.post(`/p/${packet.id}?/approve`, { version: '1' });
    const [row] = await decisionsOf(packet.id);
    expect(row.documents?.map((d) => d.name)).toEqual(['Bank statement', 'Ledger']);
    expect(row.consent).toBe(consentSentence(2));
  });

  it('says "not recorded" rather than guessing for a session from before methods were kept', async () => {
    const { packet, user } = await packetWithTwoDocuments();
    const phone = new TestBrowser(PHONE_UA);
    await signIn(phone, user.id, 'client');
    await phone.post(`/p/${packet.id}?/approve`, { version: '1' });
    const [row] = await decisionsOf(packet.id);
    expect(row.signInMethod).toBeNull();
    expect(row.ip).toBe(phone.ip);
  });

  it('records nothing when refused as stale', async () => {
    const { packet, user } = await packetWithTwoDocuments();
    const phone = await signInByMail(user.email, 'link');
    const r = await phone.post(`/p/${packet.id}?/approve`, { version: '2' });
    expect(r.status).toBe(409);
    expect(await decisionsOf(packet.id)).toHaveLength(0);
  });
});

describe('a question', () => {
  it('carries the same evidence, with no consent (it agrees to nothing)', async () => {
    const { packet, user, docs } = await packetWithTwoDocuments();
    const phone = await signInByMail(user.email, 'code');
    const r = await phone.post(`/p/${packet.id}/d/${docs[1].id}?/ask`, {
      version: '1',
      body: 'Which account is the loan in?'
    });
    expect(r.status).toBe(200);
    const [row] = await decisionsOf(packet.id);
    expect(row).toMatchObject({
      kind: 'question',
      ip: '203.0.113.44',
      userAgent: PHONE_UA,
      signInMethod: 'code',
      consent: null
    });
    expect(row.documents?.map((d) => d.sha256)).toEqual(docs.map((d) => d.sha256));
  });
});

describe('document views', () => {
  const viewsOf = (packetId: string) =>
    getDb()
      .select()
      .from(s.auditEvent)
      .where(
        and(
          eq(s.auditEvent.action, 'document.viewed'),
          eq(s.auditEvent.subject, `packet:${packetId}`)
        )
      );

  it('are an audit event at the first open per contact, document and version', async () => {
    const { db, packet, user, contact, docs } = await packetWithTwoDocuments();
    const phone = await signInByMail(user.email, 'link');
    for (let i = 0; i < 3; i++) {
      expect((await phone.get(`/p/${packet.id}/d/${docs[0].id}`)).status).toBe(200);
    }
    // Saving for offline fetches the page too; that is not the contact reading it.
    await phone.get(`/p/${packet.id}/d/${docs[1].id}`, { 'x-sheaf-save': '1' });
    let events = await viewsOf(packet.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, ip: '203.0.113.44', ua: PHONE_UA });
    expect(events[0].data).toMatchObject({
      version: 1,
      contactId: contact.id,
      documentId: docs[0].id,
      document: 'Bank statement'
    });

    // Version 2 carries the same document: opening it there is a new first open.
    await db.update(s.packet).set({ version: 2 }).where(eq(s.packet.id, packet.id));
    await db.insert(s.packetVersion).values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: 2,
      title: packet.title,
      period: packet.period
    });
    await phone.get(`/p/${packet.id}/d/${docs[0].id}`);
    await phone.get(`/p/${packet.id}/d/${docs[0].id}`);
    events = await viewsOf(packet.id);
    expect(events.map((e) => (e.data as { version: number }).version).sort()).toEqual([1, 2]);

    // The counters go on as before.
    const [counter] = await db
      .select()
      .from(s.documentView)
      .where(eq(s.documentView.documentId, docs[0].id));
    expect(counter.views).toBe(5);
  });
});
