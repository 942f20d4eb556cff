// The session check every request makes, as one statement with no drizzle query building or row
// mapping: the session and its user come back as one JSON array, timestamps as epoch
// milliseconds, in the session table's column order (one column to decode instead of eleven).
// extract() is numeric, so the milliseconds arrive exact (date_part's float could land a hair
// under a whole millisecond, and Date truncates).
// The same statement reads what the request's language is chosen from (i18n/contact-locale.ts):
// the person's own choice and, for a client session, their contact row's and its firm's, with
// the row of the packet's firm first when a page names a packet.
import { getTableColumns } from 'drizzle-orm';
import type { Db } from './client';
import type { PgliteThread } from './pglite-thread';
import { session, type Locale, type Session, type User } from './schema';

/** The three settings a signed-in page's language is picked from (nulls: not set). */
export interface LocaleSettings {
  own: Locale | null;
  contact: Locale | null;
  firm: Locale | null;
}

export interface SessionRow {
  session: Session;
  user: Pick<User, 'id' | 'email' | 'name'>;
  locale: LocaleSettings;
}

const columns = Object.entries(getTableColumns(session));
const isTimestamp = (c: (typeof columns)[number][1]) => c.columnType === 'PgTimestamp';
const SESSION_ROW_SQL = `select json_build_array(${columns
  .map(([, c]) => (isTimestamp(c) ? `extract(epoch from s."${c.name}") * 1000` : `s."${c.name}"`))
  .join(', ')}, u."id", u."email", u."name", u."locale", l."contact", l."firm")::text as row
  from "session" s join "user" u on u."id" = s."user_id"
  left join lateral (
    select cc."locale" as "contact", f."locale" as "firm"
    from "client_contact" cc join "firm" f on f."id" = cc."firm_id"
    where cc."user_id" = u."id" and s."kind" = 'client'
    order by (cc."firm_id" = (select p."firm_id" from "packet" p where p."id" = $2::uuid)) desc nulls last,
      cc."created_at"
    limit 1
  ) l on true
  where s."id_hash" = $1`;

function parseSessionRow(json: string | undefined): SessionRow | undefined {
  if (json === undefined) return undefined;
  const row = JSON.parse(json) as unknown[];
  const s = {} as Record<string, unknown>;
  columns.forEach(([key, c], i) => {
    const value = row[i];
    s[key] = isTimestamp(c) && value !== null ? new Date(value as number) : value;
  });
  const n = columns.length;
  return {
    session: s as Session,
    user: { id: row[n] as string, email: row[n + 1] as string, name: row[n + 2] as string },
    locale: {
      own: row[n + 3] as Locale | null,
      contact: row[n + 4] as Locale | null,
      firm: row[n + 5] as Locale | null
    }
  };
}

/** On PGlite: a prepared statement the worker thread runs as one message (pglite-thread.ts). */
export async function selectSessionRowPglite(
  client: PgliteThread,
  idHash: string,
  packetId: string | null
): Promise<SessionRow | undefined> {
  const json = await client.textStatement('sheaf_validate_session', SESSION_ROW_SQL, [
    idHash,
    packetId
  ]);
  return parseSessionRow(json);
}

type PostgresJs = {
  unsafe(
    text: string,
    params: (string | null)[],
    options: { prepare: boolean }
  ): Promise<{ row: string }[]>;
};

/** On PostgreSQL: postgres.js names and prepares the statement on each connection's first run. */
export async function selectSessionRowPostgres(
  client: PostgresJs,
  idHash: string,
  packetId: string | null
): Promise<SessionRow | undefined> {
  const [first] = await client.unsafe(SESSION_ROW_SQL, [idHash, packetId], { prepare: true });
  return parseSessionRow(first?.row);
}

const isPgliteThread = (c: unknown): c is PgliteThread =>
  typeof (c as PgliteThread | null)?.textStatement === 'function';
const isPostgresJs = (c: unknown): c is PostgresJs =>
  typeof (c as PostgresJs | null)?.unsafe === 'function';

/**
 * The session with this id hash joined to its user and their language settings, in one
 * statement on either driver. `packetId` (a UUID, or null) puts that packet's firm first.
 */
export function selectSessionRow(
  db: Db,
  idHash: string,
  packetId: string | null = null
): Promise<SessionRow | undefined> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (isPgliteThread(client)) return selectSessionRowPglite(client, idHash, packetId);
  if (isPostgresJs(client)) return selectSessionRowPostgres(client, idHash, packetId);
  throw new Error('selectSessionRow: unknown database client');
}
