// `npm run cli -- seed:demo`: a demo firm with staff, clients, contacts and two quarters of
// packets whose PDFs look like the real thing, so a newcomer can explore a lived-in portal.
import { fileSha256 } from '../storage/sha256';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import * as s from '../db/schema';
import { recordPacketVersion } from '../review/published';
import { recordAudit } from '../audit';
import { getBlobStore, newBlobKey } from '../storage';
import { displayNameOf } from '../../format/names';
import { consentSentence } from '../../components/review/approval-words';
import { seededRandom } from './ledger';
import { makeStatementPdf, STATEMENT_PAGE } from './statement-pdf';

export const DEMO_FIRM = {
  name: 'Harbor & Pine Bookkeeping',
  slug: 'harbor-pine',
  replyTo: 'office@harborpine.example',
  brandColor: '#1f6f5c',
  timeZone: 'America/New_York'
};

export const DEMO_STAFF = [
  { name: 'Maya Lindqvist', email: 'maya@harborpine.example', role: 'owner' as const },
  { name: 'James Okafor', email: 'james@harborpine.example', role: 'staff' as const },
  { name: 'Rosa Castillo', email: 'rosa@harborpine.example', role: 'staff' as const }
];

const CLIENTS: Array<[name: string, code: string, domain: string]> = [
  ['Bluebird Bakery LLC', 'BLUE01', 'bluebirdbakery.example'],
  ['Cedar Ridge Landscaping', 'CEDR01', 'cedarridge.example'],
  ['Northwind Cycles', 'NWND01', 'northwindcycles.example'],
  ['Marigold Florist', 'MARI01', 'marigoldflorist.example'],
  ['Ironwood Carpentry Inc.', 'IRON01', 'ironwoodcarpentry.example'],
  ['Lighthouse Dental Studio', 'LGHT01', 'lighthousedental.example'],
  ['Pepper & Salt Catering', 'PEPR01', 'pepperandsalt.example'],
  ['Summit Physical Therapy', 'SUMM01', 'summitpt.example'],
  ['Golden Hour Photography', 'GOLD01', 'goldenhour.example'],
  ['Riverbend Veterinary Clinic', 'RIVR01', 'riverbendvet.example'],
  ['Copperleaf Coffee Roasters', 'COPR01', 'copperleaf.example'],
  ['Thistle & Thread Tailoring', 'THIS01', 'thistlethread.example'],
  ['Oak Street Hardware', 'OAKS01', 'oakstreethardware.example'],
  ['Blue Heron Yoga', 'HERN01', 'blueheronyoga.example'],
  ['Kestrel Plumbing & Heating', 'KEST01', 'kestrelplumbing.example'],
  ['Maple Lane Daycare', 'MAPL01', 'maplelanedaycare.example'],
  ['Saltwater Surf Shop', 'SALT01', 'saltwatersurf.example'],
  ['Evergreen Auto Repair', 'EVER01', 'evergreenauto.example'],
  ['Juniper Design Studio', 'JUNI01', 'juniperdesign.example'],
  ['Harvest Table Restaurant', 'HRVT01', 'harvesttable.example'],
  ['Pinecone Pet Grooming', 'PINE01', 'pineconepets.example'],
  ['Silver Birch Consulting', 'SILV01', 'silverbirch.example'],
  ['Tidewater Boat Rentals', 'TIDE01', 'tidewaterboats.example'],
  ['Wildflower Wellness Spa', 'WILD01', 'wildflowerspa.example'],
  ['Foxglove Books', 'FOXG01', 'foxglovebooks.example']
];

const FIRST = [
  'Alex', 'Priya', 'Daniel', 'Grace', 'Marcus', 'Elena', 'Tom', 'Aisha', 'Ben', 'Chloe',
  'Diego', 'Hannah', 'Kenji', 'Laura', 'Omar', 'Sofia', 'Victor', 'Nora', 'Sam', 'Isabel'
]; // prettier-ignore
const LAST = [
  'Nguyen', 'Patel', 'Brennan', 'Kowalski', 'Alvarez', 'Fischer', 'Osei', 'Murphy', 'Tanaka',
  'Rossi', 'Haddad', 'Larsen', 'Chen', 'Dubois', 'Okonkwo', 'Silva', 'Novak', 'Reyes'
]; // prettier-ignore

const QUESTIONS = [
  'The rent line looks higher than last quarter. Did the March increase land early?',
  'Can you check the Stripe payout on page 4? I think one was counted twice.',
  'Should the new van be under equipment rather than vehicle expenses?',
  'Is the sales tax payable figure before or after the August payment?'
];
const REPLIES = [
  'Good catch. The lease renewal took effect in June; I have added a note on page 2.',
  'Thanks, looking into it now and will send an updated statement by Friday.'
];

export interface DemoSummary {
  created: boolean;
  firmId: string;
  ownerEmail: string;
  staff: number;
  clients: number;
  contacts: number;
  packets: number;
  documents: number;
}

const DAY = 86_400_000;

/** Seeds the demo firm. Does nothing (created: false) when a firm with the demo slug exists. */
export async function seedDemo(db: Db, options: { now?: Date } = {}): Promise<DemoSummary> {
  const [existing] = await db.select().from(s.firm).where(eq(s.firm.slug, DEMO_FIRM.slug));
  if (existing) {
    const counts = await countDemo(db, existing.id);
    return { created: false, firmId: existing.id, ownerEmail: DEMO_STAFF[0].email, ...counts };
  }
  const now = options.now ?? new Date();
  const rnd = seededRandom('harbor-pine-demo');
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];

  // PDFs first (outside the transaction: slow, and blobs are harmless if the insert fails).
  const plans = CLIENTS.map(([name, code], i) => ({
    name,
    code,
    q2: { status: 'published' as const },
    q3: { status: i % 3 === 2 ? ('draft' as const) : ('published' as const) }
  }));
  const stored = new Map<string, StoredPdf[]>();
  for (const plan of plans) {
    for (const period of ['2026-Q2', '2026-Q3']) {
      stored.set(`${plan.code}|${period}`, await storePacketPdfs(plan.name, period, rnd));
    }
  }

  return db.transaction(async (tx) => {
    const [firm] = await tx.insert(s.firm).values(DEMO_FIRM).returning();
    const staff = await tx
      .insert(s.user)
      .values(DEMO_STAFF.map(({ name, email }) => ({ name, email })))
      .onConflictDoUpdate({ target: s.user.email, set: { email: s.user.email } })
      .returning();
    await tx
      .insert(s.membership)
      .values(staff.map((u, i) => ({ firmId: firm.id, userId: u.id, role: DEMO_STAFF[i].role })));

    let contacts = 0;
    let packets = 0;
    let documents = 0;
    for (const [i, [name, code, domain]] of CLIENTS.entries()) {
      const [client] = await tx
        .insert(s.client)
        .values({ firmId: firm.id, name, code })
        .returning();
      // 40 contacts over 25 clients: every client has an approver, 15 have a second contact.
      const people: Array<{ role: 'approver' | 'viewer'; guest: boolean }> = [
        { role: 'approver', guest: false }
      ];
      if (i < 15) people.push({ role: i % 2 ? 'viewer' : 'approver', guest: false });
      if (i === 3 || i === 8) people[1] = { role: 'viewer', guest: true };
      const clientContacts: s.ClientContact[] = [];
      for (const [j, person] of people.entries()) {
        const first = FIRST[(i * 2 + j) % FIRST.length];
        const last = LAST[(i * 3 + j * 5) % LAST.length];
        const email = person.guest
          ? `${first.toLowerCase()}@${pick(['ledgerlyaudit', 'brightpathcpa'])}.example`
          : `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`;
        const [u] = await tx
          .insert(s.user)
          .values({ email, name: `${first} ${last}` })
          .onConflictDoUpdate({ target: s.user.email, set: { email } })
          .returning();
        const [contact] = await tx
          .insert(s.clientContact)
          .values({
            firmId: firm.id,
            clientId: client.id,
            userId: u.id,
            name: `${first} ${last}`,
            role: person.role,
            // Guests (an outside auditor, a lender) get time-boxed access.
            accessExpiresAt: person.guest
              ? new Date(now.getTime() + (i === 3 ? 21 : -5) * DAY)
              : null
          })
          .returning();
        clientContacts.push(contact);
        contacts++;
      }

      for (const period of ['2026-Q2', '2026-Q3'] as const) {
        const plan = period === '2026-Q2' ? plans[i].q2 : plans[i].q3;
        const published = plan.status === 'published';
        const publishedAt =
          period === '2026-Q2'
            ? new Date(Date.UTC(2026, 6, 8 + (i % 10), 15))
            : new Date(Math.min(now.getTime() - 2 * DAY, Date.UTC(2026, 9, 12 + (i % 14), 15)));
        const [packet] = await tx
          .insert(s.packet)
          .values({
            firmId: firm.id,
            clientId: client.id,
            title: `${period.replace('2026-', '')} 2026 quarterly review`,
            period,
            note:
              period === '2026-Q2'
                ? 'Here are your second-quarter statements. Please look them over and approve, or ask us anything.'
                : 'Your third-quarter statements are ready. The bank reconciliation is on page 3.',
            dueAt: published ? new Date(publishedAt.getTime() + 14 * DAY) : null,
            status: plan.status,
            version: published ? 1 : 0,
            publishedAt: published ? publishedAt : null,
            createdBy: staff[i % 3].id,
            createdAt: new Date(publishedAt.getTime() - 2 * DAY),
            updatedAt: publishedAt
          })
          .returning();
        if (published) await recordPacketVersion(tx, packet, staff[i % 3].id);
        packets++;
        const docs = await tx
          .insert(s.document)
          .values(
            stored.get(`${code}|${period}`)!.map((pdf, position) => ({
              firmId: firm.id,
              packetId: packet.id,
              version: packet.version,
              position,
              ...pdf
            }))
          )
          .returning();
        documents += docs.length;
        if (published) {
          await seedActivity(tx, {
            firm,
            packet,
            docs,
            contacts: clientContacts,
            staff,
            rnd,
            now,
            q2: period === '2026-Q2',
            index: i
          });
        }
      }
    }
    await recordAudit(tx, {
      action: 'demo:seeded',
      firmId: firm.id,
      data: { clients: CLIENTS.length }
    });
    return {
      created: true,
      firmId: firm.id,
      ownerEmail: DEMO_STAFF[0].email,
      staff: staff.length,
      clients: CLIENTS.length,
      contacts,
      packets,
      documents
    };
  });
}

interface StoredPdf {
  filename: string;
  displayName: string;
  blobKey: string;
  bytes: number;
  sha256: string;
  pages: number;
  pageWidth: number;
  pageHeight: number;
}

async function storePacketPdfs(
  clientName: string,
  period: string,
  rnd: () => number
): Promise<StoredPdf[]> {
  const quarter = period.replace('2026-', '');
  const files = [
    { filename: `Financial statements ${quarter} 2026.pdf`, pages: 4 + Math.floor(rnd() * 5), title: 'Financial statements', sections: ['balance', 'pnl', 'bank'] as const },
    { filename: `Bank reconciliation ${quarter} 2026.pdf`, pages: 2 + Math.floor(rnd() * 3), title: 'Bank reconciliation', sections: ['bank'] as const }
  ]; // prettier-ignore
  const out: StoredPdf[] = [];
  for (const file of files) {
    const bytes = await makeStatementPdf({
      firmName: DEMO_FIRM.name,
      clientName,
      period,
      pages: file.pages,
      title: file.title,
      sections: [...file.sections]
    });
    const blobKey = newBlobKey();
    await getBlobStore().put(blobKey, bytes);
    out.push({
      filename: file.filename,
      displayName: displayNameOf(file.filename),
      blobKey,
      bytes: bytes.byteLength,
      sha256: fileSha256(bytes),
      pages: file.pages,
      // Page 1's pictures are left to the picture route: the first view draws them.
      pageWidth: STATEMENT_PAGE.width,
      pageHeight: STATEMENT_PAGE.height
    });
  }
  return out;
}

interface ActivityInput {
  firm: s.Firm;
  packet: s.Packet;
  docs: s.Document[];
  contacts: s.ClientContact[];
  staff: s.User[];
  rnd: () => number;
  now: Date;
  q2: boolean;
  index: number;
}

/** Deliveries, opens, approvals and the odd question, so the dashboard looks alive. */
async function seedActivity(tx: Db, a: ActivityInput) {
  const sentAt = a.packet.publishedAt!;
  for (const [j, contact] of a.contacts.entries()) {
    // Q2 is mostly done; Q3 is under way: some opened, a few reviewed, some not yet opened.
    const roll = a.rnd();
    const opened = a.q2 ? roll < 0.92 : roll < 0.6;
    const reviewed = opened && (a.q2 ? roll < 0.85 : roll < 0.3);
    const openedAt = new Date(sentAt.getTime() + (1 + a.rnd() * 40) * 3600_000);
    const reviewedAt = new Date(openedAt.getTime() + (0.2 + a.rnd() * 30) * 3600_000);
    const bounced = !a.q2 && a.index === 6 && j === 0;
    await tx.insert(s.delivery).values({
      firmId: a.firm.id,
      packetId: a.packet.id,
      version: a.packet.version,
      contactId: contact.id,
      status: bounced ? 'bounced' : 'delivered',
      statusDetail: bounced ? 'Hard bounce: mailbox does not exist' : null,
      firstOpenedAt: opened && !bounced ? openedAt : null,
      lastOpenedAt: opened && !bounced ? reviewedAt : null,
      reviewedAt: reviewed && !bounced ? reviewedAt : null,
      createdAt: sentAt
    });
    if (!opened || bounced) continue;
    await tx.insert(s.documentView).values(
      a.docs.map((d) => ({
        firmId: a.firm.id,
        documentId: d.id,
        contactId: contact.id,
        firstOpenedAt: openedAt,
        lastOpenedAt: reviewedAt,
        views: 1 + Math.floor(a.rnd() * 3)
      }))
    );
    if (!reviewed || contact.role !== 'approver') continue;
    const asks = a.index % 7 === 1 || (!a.q2 && a.index % 5 === 0);
    await tx.insert(s.decision).values({
      firmId: a.firm.id,
      packetId: a.packet.id,
      version: a.packet.version,
      contactId: contact.id,
      kind: asks ? 'question' : 'approve',
      at: reviewedAt,
      ...(asks ? {} : approvalEvidence(a.docs, a.index + j))
    });
    if (!asks) continue;
    const repliedAt = new Date(reviewedAt.getTime() + 5 * 3600_000);
    const replier = a.staff[a.index % 3].id;
    const [question] = await tx
      .insert(s.comment)
      .values({
        firmId: a.firm.id,
        packetId: a.packet.id,
        authorId: contact.userId,
        documentId: a.docs[0].id,
        page: 2,
        body: QUESTIONS[a.index % QUESTIONS.length],
        at: reviewedAt,
        // Earlier quarters' questions were answered; this quarter's still need a reply.
        ...(a.q2 ? { answeredAt: repliedAt, answeredBy: replier } : {})
      })
      .returning({ id: s.comment.id });
    if (a.q2) {
      await tx.insert(s.comment).values({
        firmId: a.firm.id,
        packetId: a.packet.id,
        authorId: replier,
        authorKind: 'staff',
        replyTo: question.id,
        body: REPLIES[a.index % REPLIES.length],
        at: repliedAt
      });
    }
  }
}

const PHONES = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'
];

/**
 * What a real approval carries, so demo certificates look real: an address from the range kept
 * for documentation (198.51.100.0/24), a phone, the emailed link, the confirm sheet's words and
 * every document with the SHA-256 stored at upload.
 */
function approvalEvidence(docs: s.Document[], n: number) {
  return {
    ip: `198.51.100.${10 + (n % 200)}`,
    userAgent: PHONES[n % PHONES.length],
    signInMethod: 'link' as const,
    consent: consentSentence(docs.length),
    documents: docs.map((d) => ({
      id: d.id,
      name: d.displayName || d.filename,
      filename: d.filename,
      pages: d.pages,
      bytes: d.bytes,
      sha256: d.sha256
    }))
  };
}

async function countDemo(db: Db, firmId: string) {
  const [staff, clients, contacts, packets, documents] = await Promise.all([
    db.$count(s.membership, eq(s.membership.firmId, firmId)),
    db.$count(s.client, eq(s.client.firmId, firmId)),
    db.$count(s.clientContact, eq(s.clientContact.firmId, firmId)),
    db.$count(s.packet, eq(s.packet.firmId, firmId)),
    db.$count(s.document, eq(s.document.firmId, firmId))
  ]);
  return { staff, clients, contacts, packets, documents };
}
