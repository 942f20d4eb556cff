// The session check every request makes, as one statement with no drizzle query building or row
// mapping: the session and its user come back as one JSON array, timestamps as epoch
// milliseconds, in the session table's column order (one column to decode instead of eleven).
// extract() is numeric, so the milliseconds arrive exact (date_part's float could land a hair
// under a whole millisecond, and Date truncates).
import { getTableColumns } from 'drizzle-orm';
import type { Db } from './client';
import type { PgliteThread } from './pglite-thread';
import { session, type Session, type User } from './schema';

export interface SessionRow {
  session: Session;
  user: Pick<User, 'id' | 'email' | 'name'>;
}

const columns = Object.entries(getTableColumns(session));
const isTimestamp = (c: (typeof columns)[number][1]) => c.columnType === 'PgTimestamp';
const SESSION_ROW_SQL = `select json_build_array(${columns
  .map(([, c]) => (isTimestamp(c) ? `extract(epoch from s."${c.name}") * 1000` : `s."${c.name}"`))
  .join(', ')}, u."id", u."email", u."name")::text as row
  from "session" s join "user" u on u."id" = s."user_id" where s."id_hash" = $1`;

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
    user: { id: row[n] as string, email: row[n + 1] as string, name: row[n + 2] as string }
  };
}

/** On PGlite: a prepared statement the worker thread runs as one message (pglite-thread.ts). */
export async function selectSessionRowPglite(
  client: PgliteThread,
  idHash: string
): Promise<SessionRow | undefined> {
  const json = await client.textStatement('sheaf_validate_session', SESSION_ROW_SQL, [idHash]);
  return parseSessionRow(json);
}

type PostgresJs = {
  unsafe(text: string, params: string[], options: { prepare: boolean }): Promise<{ row: string }[]>;
};

/** On PostgreSQL: postgres.js names and prepares the statement on each connection's first run. */
export async function selectSessionRowPostgres(
  client: PostgresJs,
  idHash: string
): Promise<SessionRow | undefined> {
  const [first] = await client.unsafe(SESSION_ROW_SQL, [idHash], { prepare: true });
  return parseSessionRow(first?.row);
}

const isPgliteThread = (c: unknown): c is PgliteThread =>
  typeof (c as PgliteThread | null)?.textStatement === 'function';
const isPostgresJs = (c: unknown): c is PostgresJs =>
  typeof (c as PostgresJs | null)?.unsafe === 'function';

/** The session with this id hash joined to its user, in one statement on either driver. */
export function selectSessionRow(db: Db, idHash: string): Promise<SessionRow | undefined> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (isPgliteThread(client)) return selectSessionRowPglite(client, idHash);
  if (isPostgresJs(client)) return selectSessionRowPostgres(client, idHash);
  throw new Error('selectSessionRow: unknown database client');
}
