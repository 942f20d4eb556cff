// The audit log as CSV, streamed: keyset pages of (at, id) feed a ReadableStream that asks for
// the next page only when the last has been taken, so memory stays at about one page however
// many events a firm has, on PGlite and PostgreSQL alike.
import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditDescription } from '../../format/audit-words';
import { CSV_BOM, csvRow, type CsvValue } from '../../format/csv';
import { isoInZone } from '../../format/time-zone';
import type { Db } from '../db/client';
import { auditEvent, client, clientContact, membership, packet, user } from '../db/schema';

/** Which events: a firm's in a time range, or those of one subject ('packet:<id>'). */
export type AuditScope =
  { firmId: string; from: Date; to: Date } | { firmId: string; subject: string; to: Date };

export interface AuditCsvOptions {
  /** The firm's zone, for the second time column. */
  timeZone: string;
  /** Events per query (and per chunk of the stream). */
  batchSize?: number;
}

export const AUDIT_BATCH_SIZE = 1000;

/** Where the previous page ended: `at` as PostgreSQL's text (microseconds kept) and the id. */
interface Cursor {
  at: string;
  id: number;
}

// A subject names its object by kind and uuid; anything else joins nothing.
const subjectId = (kind: string) =>
  sql`case when ${auditEvent.subject} ~ ${`^${kind}:[0-9a-f-]{36}$`}
    then substr(${auditEvent.subject}, ${kind.length + 2})::uuid end`;

const contactIdOfData = sql`case when ${auditEvent.data}->>'contactId' ~ '^[0-9a-f-]{36}$'
  then (${auditEvent.data}->>'contactId')::uuid end`;

// Staff or contact: a contact acting as themselves names their contact id in the event; a
// member of the firm is staff; anyone else holding a contact of the firm is a contact.
const actorRole = sql<string>`case
  when ${auditEvent.actorId} is null then 'system'
  when exists (select 1 from ${clientContact} cc where cc.id = ${contactIdOfData}
    and cc.user_id = ${auditEvent.actorId}) then 'contact'
  when exists (select 1 from ${membership} m where m.user_id = ${auditEvent.actorId}
    and m.firm_id = ${auditEvent.firmId}) then 'staff'
  when exists (select 1 from ${clientContact} cc where cc.user_id = ${auditEvent.actorId}
    and cc.firm_id = ${auditEvent.firmId}) then 'contact'
  else '' end`;

// The name the firm gave the acting contact: the contact the event names, else any of theirs.
const contactName = sql<string | null>`(select cc.name from ${clientContact} cc
  where cc.user_id = ${auditEvent.actorId} and cc.firm_id = ${auditEvent.firmId}
  order by (cc.id = ${contactIdOfData}) desc nulls last, cc.id limit 1)`;

/** One page of events after the cursor, oldest first, with the names a reader needs. */
export async function readAuditPage(
  db: Db,
  scope: AuditScope,
  after: Cursor | null,
  limit: number
) {
  const where: SQL[] = [eq(auditEvent.firmId, scope.firmId), lt(auditEvent.at, scope.to)];
  if ('subject' in scope) where.push(eq(auditEvent.subject, scope.subject));
  else where.push(gte(auditEvent.at, scope.from));
  if (after) {
    where.push(sql`(${auditEvent.at}, ${auditEvent.id}) > (${after.at}::timestamptz, ${after.id})`);
  }
  return db
    .select({
      id: auditEvent.id,
      at: auditEvent.at,
      cursorAt: sql<string>`${auditEvent.at}::text`,
      action: auditEvent.action,
      subject: auditEvent.subject,
      ip: auditEvent.ip,
      ua: auditEvent.ua,
      data: auditEvent.data,
      userName: user.name,
      contactName,
      actorEmail: user.email,
      actorRole,
      packetTitle: packet.title,
      clientName: client.name
    })
    .from(auditEvent)
    .leftJoin(user, eq(user.id, auditEvent.actorId))
    .leftJoin(packet, and(eq(packet.firmId, auditEvent.firmId), eq(packet.id, subjectId('packet'))))
    .leftJoin(
      client,
      and(
        eq(client.firmId, auditEvent.firmId),
        eq(
          client.id,
          sql`coalesce(${packet.clientId}, ${subjectId('client')}, (select cc.client_id
            from ${clientContact} cc where cc.id = ${subjectId('contact')}))`
        )
      )
    )
    .where(and(...where))
    .orderBy(asc(auditEvent.at), asc(auditEvent.id))
    .limit(limit);
}

type AuditRow = Awaited<ReturnType<typeof readAuditPage>>[number];

/** The header row; the second time column names the firm's zone. */
export function auditCsvHeader(timeZone: string): CsvValue[] {
  return [
    'Time (UTC)',
    `Time (${timeZone})`,
    'Action',
    'Description',
    'Who',
    'Email',
    'Role',
    'Client',
    'Packet',
    'Version',
    'IP address',
    'User agent',
    'Details',
    'Event ID'
  ];
}

/** A contact by the name the firm gave them, staff by their own, Sheaf for itself. */
function whoActed(row: AuditRow): string {
  if (row.actorRole === 'system') return 'Sheaf';
  if (row.actorRole === 'contact') return row.contactName || row.userName || '';
  return row.userName || '';
}

/** One event as the export's record (every text cell neutralised by csvRow). */
export function auditCsvRecord(row: AuditRow, timeZone: string): string {
  const data = (row.data ?? null) as Record<string, unknown> | null;
  const version = typeof data?.version === 'number' ? data.version : null;
  return csvRow([
    row.at.toISOString(),
    isoInZone(row.at, timeZone),
    row.action,
    auditDescription(row.action, data),
    whoActed(row),
    row.actorEmail,
    row.actorRole,
    row.clientName,
    row.packetTitle,
    version,
    row.ip,
    row.ua,
    data ? JSON.stringify(data) : '',
    row.id
  ]);
}

/**
 * The scope's events as a CSV byte stream: a BOM and the header, then one chunk per page of
 * `batchSize` events. The next page is read only when the consumer has taken the last one
 * (pull, one chunk queued), and never after the consumer cancels (a closed download).
 */
export function auditCsvStream(
  db: Db,
  scope: AuditScope,
  options: AuditCsvOptions
): ReadableStream<Uint8Array> {
  const batchSize = options.batchSize ?? AUDIT_BATCH_SIZE;
  const encoder = new TextEncoder();
  let cursor: Cursor | null = null;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(CSV_BOM + csvRow(auditCsvHeader(options.timeZone))));
      },
      async pull(controller) {
        const rows = await readAuditPage(db, scope, cursor, batchSize);
        if (cancelled) return;
        if (rows.length) {
          let chunk = '';
          for (const row of rows) chunk += auditCsvRecord(row, options.timeZone);
          controller.enqueue(encoder.encode(chunk));
          const last = rows[rows.length - 1];
          cursor = { at: last.cursorAt, id: last.id };
        }
        if (rows.length < batchSize) controller.close();
      },
      cancel() {
        cancelled = true;
      }
    },
    { highWaterMark: 1 }
  );
}
