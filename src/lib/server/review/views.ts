// The viewer page's one statement: the documents of the packet's published version, and the
// contact opening one of them (the view count and the first open, as data-modifying CTEs: they
// run whether or not the select reads them). Only a document of that list is counted: the
// `target` CTE is the list's condition plus its id, so another packet's or an unpublished
// document records nothing (and the page is a 404).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { preparedOnce } from '../db/prepared';
import { document, documentOpen, documentView } from '../db/schema';
import { recordAudit } from '../audit';
import type { ClientContact, Packet } from '../db/schema';
import { documentFields, inPublishedVersion } from './published';

function buildDocumentView(db: Db) {
  const ph = sql.placeholder;
  const published = and(
    eq(document.packetId, ph('packetId')),
    inPublishedVersion(sql`${ph('version')}::int`)
  );
  const target = db.$with('target').as(
    db
      .select({ id: document.id })
      .from(document)
      .where(and(eq(document.id, ph('documentId')), published, sql`${ph('record')}::boolean`))
  );
  const [firmId, contactId] = [sql`${ph('firmId')}::uuid`, sql`${ph('contactId')}::uuid`];
  const viewed = db.$with('viewed', {}).as(
    sql`insert into ${documentView} (firm_id, document_id, contact_id)
      select ${firmId}, id, ${contactId} from target
      on conflict (document_id, contact_id)
      do update set last_opened_at = now(), views = ${documentView}.views + 1`
  );
  const opened = db.$with('opened', {}).as(
    sql`insert into ${documentOpen} (firm_id, document_id, contact_id, version)
      select ${firmId}, id, ${contactId}, ${ph('version')}::int from target
      on conflict do nothing returning at`
  );
  return db
    .with(target, viewed, opened)
    .select({ ...documentFields, firstOpen: sql<boolean>`exists (select 1 from opened)` })
    .from(document)
    .where(published)
    .orderBy(asc(document.position), asc(document.createdAt))
    .prepare('sheaf_document_view');
}

/**
 * The documents a contact sees in the packet's published version, in order; with `record`, it
 * also counts the contact opening document `documentId` (first and last opened, number of
 * views), and the first open per contact, document and packet version is an audit event.
 */
export async function viewPublishedDocument(
  db: Db,
  input: {
    packet: Pick<Packet, 'id' | 'version'>;
    contact: ClientContact;
    documentId: string;
    record: boolean;
    request: { ip: string | null; userAgent: string | null };
  }
) {
  const { packet, contact, documentId } = input;
  const rows = await preparedOnce(db, 'sheaf_document_view', buildDocumentView).execute({
    packetId: packet.id,
    version: packet.version,
    documentId,
    record: input.record,
    firmId: contact.firmId,
    contactId: contact.id
  });
  const documents = rows.map(({ firstOpen: _, ...d }) => d);
  const doc = documents.find((d) => d.id === documentId);
  if (doc && rows[0].firstOpen) {
    await recordAudit(db, {
      action: 'document.viewed',
      firmId: contact.firmId,
      actorId: contact.userId,
      subject: `packet:${packet.id}`,
      ip: input.request.ip,
      ua: input.request.userAgent,
      data: {
        version: packet.version,
        contactId: contact.id,
        documentId: doc.id,
        document: doc.displayName
      }
    });
  }
  return documents;
}
