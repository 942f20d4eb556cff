// The audit log as CSV, streamed: keyset pages of (at, id) feed a ReadableStream that asks for
// the next page only when the last has been taken, so memory stays at about one page however
// many events a firm has, on PGlite and PostgreSQL alike. Names (people, clients, packets) are
// looked up once per export for the ids a page brings, not joined into every row.
import { and, asc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { auditDescription } from '../../format/audit-actions';
import { CSV_BOM, csvRow, type CsvValue } from '../../format/csv';
import { isoInZone, zoneOffsetsIn } from '../../format/time-zone';
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

const pageFields = {
  id: auditEvent.id,
  at: auditEvent.at,
  cursorAt: sql<string>`${auditEvent.at}::text`.as('cursor_at'),
  action: auditEvent.action,
  actorId: auditEvent.actorId,
  subject: auditEvent.subject,
  ip: auditEvent.ip,
  ua: auditEvent.ua,
  data: auditEvent.data
};

/**
 * Up to `limit` events after the cursor, in (at, id) order. Ordered by `at` alone inside, so
 * the (firm, at) index hands rows over in order and the page stops after `limit` of them;
 * ordering by (at, id) there would sort every later event of the range for each page.
 */
function queryAuditPage(db: Db, scope: AuditScope, after: Cursor | null, limit: number) {
  const where: SQL[] = [eq(auditEvent.firmId, scope.firmId), lt(auditEvent.at, scope.to)];
  if ('subject' in scope) where.push(eq(auditEvent.subject, scope.subject));
  else where.push(gte(auditEvent.at, scope.from));
  if (after) {
    where.push(sql`(${auditEvent.at}, ${auditEvent.id}) > (${after.at}::timestamptz, ${after.id})`);
  }
  return db.transaction(async (tx) => {
    // Without statistics (PGlite never gathers them; PostgreSQL not until autovacuum's ANALYZE)
    // the planner guesses one matching row and may pick a bitmap scan that reads and sorts the
    // whole rest of the range for each page. An index in order is the plan that reads a page.
    await tx.execute(
      sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`
    );
    const page = tx
      .select(pageFields)
      .from(auditEvent)
      .where(and(...where))
      .orderBy(asc(auditEvent.at))
      .limit(limit)
      .as('page');
    return tx.select().from(page).orderBy(asc(page.at), asc(page.id));
  });
}

/**
 * One page of events after the cursor, oldest first, and whether more may follow. A full
 * page's `limit` may cut through the events of its last instant, so those are left for the
 * next page (which starts at that instant); a page that is all one instant is read by id.
 */
export async function readAuditPage(
  db: Db,
  scope: AuditScope,
  after: Cursor | null,
  limit: number
) {
  const rows = await queryAuditPage(db, scope, after, limit);
  if (rows.length < limit) return { rows, more: false };
  const lastAt = rows[rows.length - 1].cursorAt;
  const whole = rows.filter((r) => r.cursorAt !== lastAt);
  if (whole.length) return { rows: whole, more: true };
  // More than `limit` events in one microsecond: page through that instant by id.
  const fromId = after && after.at === lastAt ? after.id : 0;
  const instant = await db
    .select(pageFields)
    .from(auditEvent)
    .where(
      and(
        eq(auditEvent.firmId, scope.firmId),
        sql`${auditEvent.at} = ${lastAt}::timestamptz`,
        gt(auditEvent.id, fromId),
        'subject' in scope ? eq(auditEvent.subject, scope.subject) : undefined
      )
    )
    .orderBy(asc(auditEvent.id))
    .limit(limit);
  return { rows: instant, more: true };
}

type AuditRow = Awaited<ReturnType<typeof readAuditPage>>['rows'][number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The uuid a subject names ('packet:<uuid>'), or null. */
function subjectId(subject: string | null, kind: string): string | null {
  if (!subject?.startsWith(`${kind}:`)) return null;
  const id = subject.slice(kind.length + 1);
  return UUID.test(id) ? id : null;
}

interface Person {
  name: string;
  email: string;
  staff: boolean;
  /** Their contacts in this firm: id -> the name the firm gave them and the client. */
  contacts: Map<string, { name: string | null; clientId: string }>;
}

/**
 * The firm's people, packets and clients an export names, fetched for the ids each page brings
 * and kept for the rest of the export (bounded by the firm's size, not its number of events).
 */
function firmDirectory(db: Db, firmId: string) {
  const people = new Map<string, Person | null>();
  const packets = new Map<string, { title: string; clientId: string } | null>();
  const clients = new Map<string, string | null>();
  const contactClients = new Map<string, string | null>();
  const missing = <T>(map: Map<string, T>, ids: Iterable<string>) => [
    ...new Set([...ids].filter((id) => !map.has(id)))
  ];

  async function load(rows: AuditRow[]) {
    const userIds = missing(
      people,
      rows.flatMap((r) => (r.actorId ? [r.actorId] : []))
    );
    const packetIds = missing(
      packets,
      rows.flatMap((r) => subjectId(r.subject, 'packet') ?? [])
    );
    const contactIds = missing(
      contactClients,
      rows.flatMap((r) => subjectId(r.subject, 'contact') ?? [])
    );
    const [users, staff, theirContacts, packetRows, subjectContacts] = await Promise.all([
      userIds.length
        ? db
            .select({ id: user.id, name: user.name, email: user.email })
            .from(user)
            .where(inArray(user.id, userIds))
        : [],
      userIds.length
        ? db
            .select({ userId: membership.userId })
            .from(membership)
            .where(and(eq(membership.firmId, firmId), inArray(membership.userId, userIds)))
        : [],
      userIds.length
        ? db
            .select({
              id: clientContact.id,
              userId: clientContact.userId,
              name: clientContact.name,
              clientId: clientContact.clientId
            })
            .from(clientContact)
            .where(and(eq(clientContact.firmId, firmId), inArray(clientContact.userId, userIds)))
            .orderBy(asc(clientContact.id))
        : [],
      packetIds.length
        ? db
            .select({ id: packet.id, title: packet.title, clientId: packet.clientId })
            .from(packet)
            .where(and(eq(packet.firmId, firmId), inArray(packet.id, packetIds)))
        : [],
      contactIds.length
        ? db
            .select({ id: clientContact.id, clientId: clientContact.clientId })
            .from(clientContact)
            .where(and(eq(clientContact.firmId, firmId), inArray(clientContact.id, contactIds)))
        : []
    ]);
    for (const id of userIds) people.set(id, null);
    const staffIds = new Set(staff.map((m) => m.userId));
    for (const u of users) {
      people.set(u.id, {
        name: u.name ?? '',
        email: u.email,
        staff: staffIds.has(u.id),
        contacts: new Map()
      });
    }
    for (const c of theirContacts) {
      people.get(c.userId)?.contacts.set(c.id, { name: c.name, clientId: c.clientId });
    }
    for (const id of packetIds) packets.set(id, null);
    for (const p of packetRows) packets.set(p.id, { title: p.title, clientId: p.clientId });
    for (const id of contactIds) contactClients.set(id, null);
    for (const c of subjectContacts) contactClients.set(c.id, c.clientId);

    const clientIds = missing(clients, [
      ...packetRows.map((p) => p.clientId),
      ...theirContacts.map((c) => c.clientId),
      ...subjectContacts.map((c) => c.clientId),
      ...rows.flatMap((r) => subjectId(r.subject, 'client') ?? [])
    ]);
    if (clientIds.length) {
      const found = await db
        .select({ id: client.id, name: client.name })
        .from(client)
        .where(and(eq(client.firmId, firmId), inArray(client.id, clientIds)));
      for (const id of clientIds) clients.set(id, null);
      for (const c of found) clients.set(c.id, c.name);
    }
  }

  /** Who acted and in which role: a contact by the name the firm gave them, staff by theirs. */
  function actor(row: AuditRow, data: Record<string, unknown> | null) {
    if (!row.actorId) return { who: 'Sheaf', email: '', role: 'system' };
    const person = people.get(row.actorId);
    if (!person) return { who: '', email: '', role: '' };
    const named = typeof data?.contactId === 'string' ? person.contacts.get(data.contactId) : null;
    if (named) return { who: named.name || person.name, email: person.email, role: 'contact' };
    if (person.staff) return { who: person.name, email: person.email, role: 'staff' };
    const [first] = person.contacts.values();
    if (first) return { who: first.name || person.name, email: person.email, role: 'contact' };
    return { who: person.name, email: person.email, role: '' };
  }

  /** The packet and client an event concerns, by its subject (or the acting contact's client). */
  function about(row: AuditRow) {
    const packetId = subjectId(row.subject, 'packet');
    const p = packetId ? packets.get(packetId) : null;
    const contactId = subjectId(row.subject, 'contact');
    const clientId =
      p?.clientId ??
      subjectId(row.subject, 'client') ??
      (contactId ? contactClients.get(contactId) : null);
    return { packet: p?.title ?? '', client: (clientId && clients.get(clientId)) || '' };
  }

  return { load, actor, about };
}

/** The header row; the second time column names the firm's zone. */
export function auditCsvHeader(timeZone: string): CsvValue[] {
  return [
    'Time (UTC)',
    // Named as the firm's zone even when that is UTC too: two columns both called "Time (UTC)"
    // read as a mistake.
    `Time in the firm's zone (${timeZone})`,
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

/**
 * The scope's events as a CSV byte stream: a BOM and the header, then one chunk per page of
 * `batchSize` events. Pages are written only as the consumer takes them (pull, one chunk
 * queued, one page read ahead), and none is asked for after the consumer cancels (a closed
 * download).
 */
export function auditCsvStream(
  db: Db,
  scope: AuditScope,
  options: AuditCsvOptions
): ReadableStream<Uint8Array> {
  const { timeZone } = options;
  const batchSize = options.batchSize ?? AUDIT_BATCH_SIZE;
  const encoder = new TextEncoder();
  const directory = firmDirectory(db, scope.firmId);
  const offsetOf = zoneOffsetsIn(timeZone);
  let cancelled = false;
  // The next page is asked for as soon as the last one arrives, so the database works while
  // this page is written out: at most one page in flight and one being written.
  const ahead = (after: Cursor | null) => {
    const page = readAuditPage(db, scope, after, batchSize);
    // Awaited by the next pull; a cancel leaves it unread, which must not be an unhandled error.
    page.catch(() => {});
    return page;
  };
  let next: ReturnType<typeof readAuditPage> | null = ahead(null);

  function record(row: AuditRow): string {
    const data = (row.data ?? null) as Record<string, unknown> | null;
    const { who, email, role } = directory.actor(row, data);
    const { packet: title, client: clientName } = directory.about(row);
    return csvRow([
      row.at.toISOString(),
      isoInZone(row.at, timeZone, offsetOf(row.at)),
      row.action,
      auditDescription(row.action, data),
      who,
      email,
      role,
      clientName,
      title,
      typeof data?.version === 'number' ? data.version : null,
      row.ip,
      row.ua,
      data ? JSON.stringify(data) : '',
      row.id
    ]);
  }

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(CSV_BOM + csvRow(auditCsvHeader(timeZone))));
      },
      async pull(controller) {
        const { rows, more } = next ? await next : { rows: [], more: false };
        next = null;
        if (cancelled) return;
        if (more && rows.length) {
          const last = rows[rows.length - 1];
          next = ahead({ at: last.cursorAt, id: last.id });
        }
        if (rows.length) {
          await directory.load(rows);
          if (cancelled) return;
          let chunk = '';
          for (const row of rows) chunk += record(row);
          controller.enqueue(encoder.encode(chunk));
        }
        if (!next) controller.close();
      },
      cancel() {
        cancelled = true;
      }
    },
    { highWaterMark: 1 }
  );
}
