import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { delivery, document, documentView } from '../db/schema';
import type { ClientContact, Packet } from '../db/schema';

/** The packet's current documents (not removed), in order. */
export function listPacketDocuments(db: Db, packetId: string) {
  return db
    .select({
      id: document.id,
      filename: document.filename,
      pages: document.pages,
      bytes: document.bytes,
      pageWidth: document.pageWidth,
      pageHeight: document.pageHeight,
      version: document.version
    })
    .from(document)
    .where(and(eq(document.packetId, packetId), isNull(document.removedAt)))
    .orderBy(asc(document.position), asc(document.createdAt));
}

/** Marks the contact's delivery of the packet's current version opened (first and last). */
export async function recordPacketOpen(db: Db, packet: Packet, contact: ClientContact) {
  await db
    .update(delivery)
    .set({
      firstOpenedAt: sql`coalesce(${delivery.firstOpenedAt}, now())`,
      lastOpenedAt: sql`now()`
    })
    .where(
      and(
        eq(delivery.packetId, packet.id),
        eq(delivery.version, packet.version),
        eq(delivery.contactId, contact.id)
      )
    );
}

/** Counts a contact opening a document: first and last opened, number of views. */
export async function recordDocumentView(db: Db, documentId: string, contact: ClientContact) {
  await db
    .insert(documentView)
    .values({ firmId: contact.firmId, documentId, contactId: contact.id })
    .onConflictDoUpdate({
      target: [documentView.documentId, documentView.contactId],
      set: { lastOpenedAt: sql`now()`, views: sql`${documentView.views} + 1` }
    });
}
