import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, document, membership, packet } from '../db/schema';
import { contactIsActive } from '../auth/guards';

/**
 * A document the user may read: any document of a firm they are a member of, or a current
 * document of a published/archived packet of a client they are an active contact of.
 */
export async function findReadableDocument(db: Db, userId: string, documentId: string) {
  const [row] = await db
    .select({ document, packetStatus: packet.status, clientId: packet.clientId })
    .from(document)
    .innerJoin(packet, eq(packet.id, document.packetId))
    .where(eq(document.id, documentId))
    .limit(1);
  if (!row) return null;
  const [member] = await db
    .select({ id: membership.id })
    .from(membership)
    .where(and(eq(membership.firmId, row.document.firmId), eq(membership.userId, userId)))
    .limit(1);
  if (member) return row.document;
  if (row.packetStatus === 'draft' || row.document.removedAt) return null;
  const [contact] = await db
    .select({ id: clientContact.id })
    .from(clientContact)
    .where(
      and(
        eq(clientContact.clientId, row.clientId),
        eq(clientContact.userId, userId),
        contactIsActive()
      )
    )
    .limit(1);
  return contact ? row.document : null;
}
