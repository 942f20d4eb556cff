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
import { isUuid } from './prepared';
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
/** One session's row as a JSON array: its columns, its user's, then the two locales. */
const ROW = `json_build_array(${columns
  .map(([, c]) => (isTimestamp(c) ? `extract(epoch from s."${c.name}") * 1000` : `s."${c.name}"`))
  .join(', ')}, u."id", u."email", u."name", u."locale", l."contact", l."firm")`;
const joins = (packetId: string) => `join "user" u on u."id" = s."user_id"
  left join lateral (
    select cc."locale" as "contact", f."locale" as "firm"
    from "client_contact" cc join "firm" f on f."id" = cc."firm_id"
    where cc."user_id" = u."id" and s."kind" = 'client'
    order by (cc."firm_id" = (select p."firm_id" from "packet" p where p."id" = ${packetId})) desc nulls last,
      cc."created_at", cc."id"
    limit 1
  ) l on true`;
const SESSION_ROW_SQL = `select ${ROW}::text as row
  from "session" s ${joins('$2::uuid')}
  where s."id_hash" = $1`;
/**
 * Several requests' sessions in one statement, still one text: a JSON array of
 * [place in the list (from 1), row] for each key (id hash, packet id) that has a session.
 */
const SESSION_ROWS_SQL = `select coalesce(json_agg(json_build_array(k."n", ${ROW})), '[]')::text as row
  from unnest($1::text[], $2::uuid[]) with ordinality as k("id_hash", "packet_id", "n")
  join "session" s on s."id_hash" = k."id_hash" ${joins('k."packet_id"')}`;

function rowOf(row: unknown[] | undefined): SessionRow | undefined {
  if (row === undefined) return undefined;
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

/** Runs one of the two statements above and returns its one text value. */
type RunText = (
  name: string,
  sql: string,
  params: (string | null)[]
) => Promise<string | undefined>;

interface Lookup {
  idHash: string;
  packetId: string | null;
  resolve(row: SessionRow | undefined): void;
  reject(error: unknown): void;
}

/**
 * The session checks of one database client. Several requests' checks go as one statement: one
 * round trip instead of one each. When a batch leaves depends on the database:
 * - `turn` (PostgreSQL): at the end of the event loop's turn, taking every check the requests
 *   that arrived together made. Fewer writes to the pool's sockets and fewer wake-ups of its
 *   backends: bench/session went from 0.79 to 0.91–0.93.
 * - `one at a time` (PGlite): at once when no batch is out, else when it comes back. PGlite's
 *   thread runs one statement at a time anyway; holding a lone check to the turn's end set the
 *   requests in step, the request thread idling while the worker ran their batch (0.81–0.82,
 *   against 0.85–0.92 unbatched and 0.88–0.91 so).
 */
class SessionChecks {
  private waiting: Lookup[] = [];
  private out = false;
  private scheduled = false;

  constructor(
    private readonly run: RunText,
    private readonly when: 'turn' | 'one at a time'
  ) {}

  check(idHash: string, packetId: string | null): Promise<SessionRow | undefined> {
    const valid =
      typeof idHash === 'string' &&
      HASH.test(idHash) &&
      (packetId === null || (typeof packetId === 'string' && isUuid(packetId)));
    if (!valid) {
      return Promise.reject(new TypeError('selectSessionRow: not an id hash or a packet id'));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ idHash, packetId, resolve, reject });
      if (this.when === 'one at a time') {
        if (!this.out) this.sendOne();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          while (this.waiting.length) void this.send(this.waiting.splice(0, MAX_BATCH));
        });
      }
    });
  }

  private sendOne() {
    this.out = true;
    void this.send(this.waiting.splice(0, MAX_BATCH)).then(() => {
      this.out = false;
      if (this.waiting.length) this.sendOne();
    });
  }

  /** Runs a batch and settles each of its checks; never rejects. */
  private async send(batch: Lookup[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const [one] = batch;
        const json = await this.run('sheaf_validate_session', SESSION_ROW_SQL, [
          one.idHash,
          one.packetId
        ]);
        one.resolve(
          ownRows(batch, [json === undefined ? undefined : (JSON.parse(json) as unknown[])])[0]
        );
        return;
      }
      // Array literals: the hashes are hex and the packet ids uuids (both checked), so nothing
      // in them needs quoting; a check naming no packet is NULL.
      const json = await this.run('sheaf_validate_sessions', SESSION_ROWS_SQL, [
        `{${batch.map((x) => x.idHash).join(',')}}`,
        `{${batch.map((x) => x.packetId ?? 'NULL').join(',')}}`
      ]);
      const found = new Map(JSON.parse(json ?? '[]') as [number, unknown[]][]);
      const rows = ownRows(
        batch,
        batch.map((_, i) => found.get(i + 1))
      );
      batch.forEach((lookup, i) => lookup.resolve(rows[i]));
    } catch (error) {
      for (const lookup of batch) lookup.reject(error);
    }
  }
}

/**
 * Each lookup's row, checked to be its own: an answer is matched to its request by position,
 * and a row of another session (arrays out of step) fails the whole batch rather than sign one
 * request in as someone else.
 */
function ownRows(batch: Lookup[], found: (unknown[] | undefined)[]): (SessionRow | undefined)[] {
  const rows = found.map(rowOf);
  if (rows.some((row, i) => row && row.session.idHash !== batch[i].idHash)) {
    throw new Error('selectSessionRow: a session check was answered with another session');
  }
  return rows;
}

const MAX_BATCH = 200;
const HASH = /^[0-9a-f]{64}$/;
const checks = new WeakMap<object, SessionChecks>();

type PostgresJs = {
  unsafe(
    text: string,
    params: (string | null)[],
    options: { prepare: boolean }
  ): Promise<{ row: string }[]>;
};

/** A database client's session checks, made on its first check. */
function checksOf(client: object, make: () => SessionChecks): SessionChecks {
  let c = checks.get(client);
  if (!c) checks.set(client, (c = make()));
  return c;
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
  // On PGlite: a prepared statement the worker thread runs as one message (pglite-thread.ts).
  if (isPgliteThread(client)) {
    const make = () => new SessionChecks((...a) => client.textStatement(...a), 'one at a time');
    return checksOf(client, make).check(idHash, packetId);
  }
  // On PostgreSQL: postgres.js names and prepares each statement on a connection's first run.
  if (isPostgresJs(client)) {
    const run: RunText = async (_name, sql, params) =>
      (await client.unsafe(sql, params, { prepare: true }))[0]?.row;
    return checksOf(client, () => new SessionChecks(run, 'turn')).check(idHash, packetId);
  }
  throw new Error('selectSessionRow: unknown database client');
}
