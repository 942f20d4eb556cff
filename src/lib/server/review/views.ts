import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { delivery, documentView } from '../db/schema';
import type { ClientContact, Packet } from '../db/schema';

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
