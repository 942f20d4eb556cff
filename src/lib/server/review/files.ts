import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, document, membership, packet } from '../db/schema';

/**
 * A document the user may read: any document of a firm they are a member of, or a current
 * document of a published/archived packet of a client they are an active contact of.
 * One query: pdf.js asks for many byte ranges and each one comes through here.
 */
export async function findReadableDocument(db: Db, userId: string, documentId: string) {
  const now = new Date();
  const isMember = sql<boolean>`exists (${db
    .select({ one: sql`1` })
    .from(membership)
    .where(and(eq(membership.firmId, document.firmId), eq(membership.userId, userId)))})`;
  const isContact = sql<boolean>`exists (${db
    .select({ one: sql`1` })
    .from(clientContact)
    .where(
      and(
        eq(clientContact.clientId, packet.clientId),
        eq(clientContact.userId, userId),
        or(isNull(clientContact.accessExpiresAt), gt(clientContact.accessExpiresAt, now))
      )
    )})`;
  const [row] = await db
    .select({ document, packetStatus: packet.status, isMember, isContact })
    .from(document)
    .innerJoin(packet, eq(packet.id, document.packetId))
    .where(eq(document.id, documentId))
    .limit(1);
  if (!row) return null;
  if (row.isMember) return row.document;
  if (row.packetStatus === 'draft' || row.document.removedAt || !row.isContact) return null;
  return row.document;
}
