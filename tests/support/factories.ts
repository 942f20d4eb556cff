// Test-data factories. Every call makes uniquely named rows, so tests sharing one database
// never see each other's data.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createHash } from 'node:crypto';
import { getDb, type Db } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { createSession } from '../../src/lib/server/auth/session';
import { getBlobStore, newBlobKey } from '../../src/lib/server/storage';
import { recordPacketVersion } from '../../src/lib/server/review/published';
import { displayNameOf } from '../../src/lib/format/names';
import { SESSION_COOKIE, type TestBrowser } from './server';

let counter = 0;
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

export async function createUser(db: Db = getDb(), values: Partial<s.User> = {}) {
  const [row] = await db
    .insert(s.user)
    .values({ email: `${unique('user')}@example.test`, name: 'Test User', ...values })
    .returning();
  return row;
}

export async function createFirm(db: Db = getDb(), values: Partial<s.Firm> = {}) {
  const slug = unique('firm');
  const [row] = await db
    .insert(s.firm)
    .values({ name: `Firm ${slug}`, slug, replyTo: `office@${slug}.test`, ...values })
    .returning();
  return row;
}

/** A firm with an owner (member) and a staff member. */
export async function createFirmWithStaff(db: Db = getDb()) {
  const firm = await createFirm(db);
  const owner = await createUser(db, { name: 'Olivia Owner' });
  const staff = await createUser(db, { name: 'Sam Staff' });
  await db.insert(s.membership).values([
    { firmId: firm.id, userId: owner.id, role: 'owner' },
    { firmId: firm.id, userId: staff.id, role: 'staff' }
  ]);
  return { firm, owner, staff };
}

export async function createClient(db: Db, firmId: string, values: Partial<s.Client> = {}) {
  const code = unique('C').toUpperCase();
  const [row] = await db
    .insert(s.client)
    .values({ firmId, name: `Client ${code}`, code, ...values })
    .returning();
  return row;
}

export async function createContact(
  db: Db,
  client: s.Client,
  values: Partial<s.ClientContact> & { email?: string; name?: string } = {}
) {
  const { email, name, ...rest } = values;
  const u = await createUser(db, {
    ...(email ? { email } : {}),
    ...(name ? { name } : { name: 'Casey Contact' })
  });
  const [contact] = await db
    .insert(s.clientContact)
    .values({ firmId: client.firmId, clientId: client.id, userId: u.id, name: u.name, ...rest })
    .returning();
  return { contact, user: u };
}

/** A small valid PDF with `pages` pages of text, made with pdf-lib. */
export async function makePdf(pages = 2, title = 'Test statement'): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = pdf.addPage([612, 792]);
    page.drawText(`${title} — page ${i} of ${pages}`, { x: 56, y: 720, size: 18, font });
  }
  return pdf.save();
}

/** Stores a PDF in the blob store and adds it to the packet as a document. */
export async function addDocument(
  db: Db,
  packet: s.Packet,
  options: { pages?: number; filename?: string; position?: number; bytes?: Uint8Array } = {}
) {
  const bytes = options.bytes ?? (await makePdf(options.pages ?? 2));
  const blobKey = newBlobKey();
  await getBlobStore().put(blobKey, bytes);
  const [row] = await db
    .insert(s.document)
    .values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: packet.version,
      filename: options.filename ?? 'statement.pdf',
      displayName: displayNameOf(options.filename ?? 'statement.pdf'),
      blobKey,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      pages: options.pages ?? 2,
      position: options.position ?? 0
    })
    .returning();
  return row;
}

/** A packet for the client; published (version 1) unless status says otherwise. */
export async function createPacket(db: Db, client: s.Client, values: Partial<s.Packet> = {}) {
  const published = (values.status ?? 'published') !== 'draft';
  const [row] = await db
    .insert(s.packet)
    .values({
      firmId: client.firmId,
      clientId: client.id,
      title: 'Quarterly review',
      period: '2026-Q3',
      note: 'Please review the statements and approve.',
      status: 'published',
      version: published ? 1 : 0,
      publishedAt: published ? new Date() : null,
      ...values
    })
    .returning();
  if (row.version > 0) await snapshotPacket(db, row);
  return row;
}

/** Records what contacts see of the packet's current version (what publishing does). */
export const snapshotPacket = (db: Db, p: s.Packet) => recordPacketVersion(db, p, null);

/** Signs the browser in as the user by creating a session directly (bypasses the mail). */
export async function signIn(browser: TestBrowser, userId: string, kind: 'staff' | 'client') {
  const { token, session } = await createSession(getDb(), userId, kind, {
    ip: '127.0.0.1',
    userAgent: browser.userAgent
  });
  browser.cookies.set(SESSION_COOKIE, token);
  return session;
}
