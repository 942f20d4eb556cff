import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { preparedOnce } from '../db/prepared';
import { documentOpen, documentView } from '../db/schema';
import { recordAudit } from '../audit';
import type { ClientContact, Packet } from '../db/schema';

// The view count and the first open in one statement (the upsert as a data-modifying CTE: it
// runs whether or not the insert after it reads it), built once.
function buildDocumentView(db: Db) {
  const ids = {
    firmId: sql.placeholder('firmId'),
    documentId: sql.placeholder('documentId'),
    contactId: sql.placeholder('contactId')
  };
  const viewed = db.$with('viewed').as(
    db
      .insert(documentView)
      .values(ids)
      .onConflictDoUpdate({
        target: [documentView.documentId, documentView.contactId],
        set: { lastOpenedAt: sql`now()`, views: sql`${documentView.views} + 1` }
      })
  );
  return db
    .with(viewed)
    .insert(documentOpen)
    .values({ ...ids, version: sql.placeholder('version') })
    .onConflictDoNothing()
    .returning({ at: documentOpen.at })
    .prepare('sheaf_document_view');
}

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
  const first = await preparedOnce(db, 'sheaf_document_view', buildDocumentView).execute({
    firmId: contact.firmId,
    documentId: doc.id,
    contactId: contact.id,
    version: packet.version
  });
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
