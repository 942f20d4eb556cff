import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { documentOpen, documentView } from '../db/schema';
import { recordAudit } from '../audit';
import type { ClientContact, Packet } from '../db/schema';

/**
 * Counts a contact opening a document (first and last opened, number of views); the first open
 * per contact, document and packet version is an audit event.
 */
export async function recordDocumentView(
  db: Db,
  doc: { id: string; displayName: string },
  packet: Pick<Packet, 'id' | 'version'>,
  contact: ClientContact,
  request: { ip: string | null; userAgent: string | null }
) {
  await db
    .insert(documentView)
    .values({ firmId: contact.firmId, documentId: doc.id, contactId: contact.id })
    .onConflictDoUpdate({
      target: [documentView.documentId, documentView.contactId],
      set: { lastOpenedAt: sql`now()`, views: sql`${documentView.views} + 1` }
    });
  const first = await db
    .insert(documentOpen)
    .values({
      firmId: contact.firmId,
      documentId: doc.id,
      contactId: contact.id,
      version: packet.version
    })
    .onConflictDoNothing()
    .returning({ at: documentOpen.at });
  if (first.length === 0) return;
  await recordAudit(db, {
    action: 'document.viewed',
    firmId: contact.firmId,
    actorId: contact.userId,
    subject: `packet:${packet.id}`,
    ip: request.ip,
    ua: request.userAgent,
    data: {
      version: packet.version,
      contactId: contact.id,
      documentId: doc.id,
      document: doc.displayName
    }
  });
}
