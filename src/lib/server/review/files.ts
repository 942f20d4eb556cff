import { error, type RequestEvent } from '@sveltejs/kit';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { isUuid } from '../auth/guards';
import { getDb, type Db } from '../db/client';
import { preparedOnce } from '../db/prepared';
import { clientContact, document, membership, packet } from '../db/schema';
import { inPublishedVersion } from './published';

/**
 * A document the user may read: with a staff session, any document of a firm they are a member
 * of; otherwise a document of the published version of a published/archived packet of a client
 * they are an active contact of (never one staff uploaded or removed since).
 * One query, prepared once: pdf.js asks for many byte ranges and each one comes through here.
 */
export async function findReadableDocument(
  db: Db,
  userId: string,
  documentId: string,
  asStaff: boolean
) {
  const [row] = await preparedOnce(db, 'sheaf_readable_document', (db) => {
    const userId = sql.placeholder('userId');
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
          or(
            isNull(clientContact.accessExpiresAt),
            gt(clientContact.accessExpiresAt, sql.placeholder('now'))
          )
        )
      )})`;
    return db
      .select({
        document,
        packetStatus: packet.status,
        isMember,
        isContact,
        isPublished: sql<boolean>`coalesce(${inPublishedVersion(packet.version)}, false)`
      })
      .from(document)
      .innerJoin(packet, eq(packet.id, document.packetId))
      .where(eq(document.id, sql.placeholder('documentId')))
      .limit(1)
      .prepare('sheaf_readable_document');
  }).execute({ userId, documentId, now: new Date().toISOString() });
  if (!row) return null;
  if (asStaff && row.isMember) return row.document;
  if (row.packetStatus === 'draft' || !row.isPublished || !row.isContact) return null;
  return row.document;
}

/**
 * The document of a /api/files/[docId]… request, for a signed-in user who may read it. Anyone
 * else gets the same 404 as a missing document: no existence oracle.
 */
export async function readableDocumentOr404(event: Pick<RequestEvent, 'locals' | 'params'>) {
  const docId = (event.params as { docId?: string }).docId ?? '';
  if (!event.locals.user || !isUuid(docId)) error(404, 'Not found');
  const asStaff = event.locals.session?.kind === 'staff';
  const doc = await findReadableDocument(getDb(), event.locals.user.id, docId, asStaff);
  if (!doc) error(404, 'Not found');
  return doc;
}

/**
 * Headers for a document's bytes (the PDF, its page-1 pictures): never sniffed, sandboxed if
 * opened directly, kept only on the reader's device and checked with the server before each use.
 */
export function privateFileHeaders(
  contentType: string,
  etag: string,
  extra: Record<string, string> = {}
): Headers {
  return new Headers({
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
    'Cache-Control': 'private, no-cache',
    ETag: etag,
    ...extra
  });
}
