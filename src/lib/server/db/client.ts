import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { LOCK_TIMEOUT_S, STATEMENT_TIMEOUT_S } from '../config';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../data-dir';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbDriver = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  driver: DbDriver;
  /**
   * Runs fn with a session-level advisory lock held, on a database it may use for as long as it
   * needs: on PostgreSQL a connection of its own without the pool's statement and lock timeouts
   * (migrations can take longer than a request may); on PGlite, one process, simply `db`.
   */
  withAdvisoryLock<T>(key: number, fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; 'memory://' for a throw-away in-memory database. */
  dataDir?: string;
  poolMax?: number;
  /** PostgreSQL: a statement running longer than this is cancelled (SQLSTATE 57014); 0: never. */
  statementTimeoutMs?: number;
  /** PostgreSQL: a statement waiting longer than this for a lock gives up (55P03); 0: never. */
  lockTimeoutMs?: number;
}

/**
 * A request's statements on PostgreSQL (DB_STATEMENT_TIMEOUT, DB_LOCK_TIMEOUT): one stuck behind
 * a lock or running away gives up and answers 503 instead of holding its request, its connection
 * and its locks for ever. Generous, since Sheaf's statements take milliseconds; migrations run
 * without them (withAdvisoryLock).
 */
export const STATEMENT_TIMEOUT_MS = STATEMENT_TIMEOUT_S * 1000;
export const LOCK_TIMEOUT_MS = LOCK_TIMEOUT_S * 1000;

export class DatabaseBusyError extends Error {}

// Kept on globalThis so every copy of this module (the built server, a test, the CLI) shares one
// database handle per process: PGlite allows a single opener per data directory.
const KEY = Symbol.for('sheaf.database');
type Holder = { [KEY]?: DatabaseHandle };
const holder = globalThis as Holder;

export function getDatabase(): DatabaseHandle {
  const handle = holder[KEY];
  if (!handle) throw new Error('The database is not open: call openDatabase() first');
  return handle;
}

export function getDb(): Db {
  return getDatabase().db;
}

export function setDatabase(handle: DatabaseHandle | undefined): void {
  holder[KEY] = handle;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (holder[KEY]) return holder[KEY];
  const handle = options.databaseUrl
    ? await openPostgresHandle(options.databaseUrl, options)
    : await openPglite(options.dataDir ?? './data');
  holder[KEY] = handle;
  return handle;
}

export async function closeDatabase(): Promise<void> {
  const handle = holder[KEY];
  holder[KEY] = undefined;
  await handle?.close();
}

/**
 * A start-up parameter in milliseconds, as a string: postgres.js leaves out one whose value is
 * falsy, so a number 0 ("no limit") would not be sent and the role's default would apply.
 */
const startupMs = (ms: number) => String(ms) as unknown as number;

/** PostgreSQL at `url` behind drizzle, not registered as the process's database (openDatabase does). */
export async function openPostgresHandle(
  url: string,
  options: OpenOptions = {}
): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { ResilientPostgres } = await import('./resilient-postgres');
  const max = options.poolMax ?? 10;
  const connection = {
    statement_timeout: startupMs(options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS),
    lock_timeout: startupMs(options.lockTimeoutMs ?? LOCK_TIMEOUT_MS)
  };
  // Behind a circuit breaker that answers at once while PostgreSQL is out of reach and swaps in a
  // fresh pool when it goes (resilient-postgres.ts): a restart costs a few seconds of 503s, not a
  // crash or a pool of dead connections.
  const pool = new ResilientPostgres({
    create: (kind) =>
      postgres(url, {
        max: kind === 'probe' ? 1 : max,
        connect_timeout: kind === 'probe' ? 2 : 5,
        idle_timeout: 30,
        fetch_types: kind === 'pool',
        connection,
        // postgres.js waits before reconnecting after a failed connection, 3^n/100 s up to 20 s by
        // default, and queries queue behind that wait. Capped at 0.5 s, so a pool that lost a
        // connection (the breaker replaces the pool on a restart anyway) is back within 0.5 s.
        backoff: (retries: number) =>
          Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2),
        onnotice: () => {}
      })
  });
  const client = preparing(pool.client());
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    async withAdvisoryLock(key, fn) {
      // A connection of its own, outside the breaker and without the timeouts: waiting for
      // another instance's migrations, or running a long one, is what it is for.
      // Explicitly none (a role's or database's own default might be set), and no recycling of
      // the connection mid-wait, which would let go of the lock.
      const own = postgres(url, {
        max: 1,
        connect_timeout: 5,
        max_lifetime: 0,
        onnotice: () => {},
        connection: { statement_timeout: startupMs(0), lock_timeout: startupMs(0) }
      });
      try {
        await own`select pg_advisory_lock(${key})`;
        try {
          return await fn(drizzle(own, { schema }) as unknown as Db);
        } finally {
          // Ending the session lets go of the lock anyway: a failed unlock (the connection died
          // under fn) must not hide fn's own error.
          await own`select pg_advisory_unlock(${key})`.catch(() => {});
        }
      } finally {
        await own.end({ timeout: 5 });
      }
    },
    close: () => pool.end({ timeout: 5 })
  };
}

type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;

/** Statements with more parameters than this are not kept prepared (see preparing). */
export const MAX_PREPARED_PARAMS = 32;

/**
 * Statements with parameters run as named prepared statements on their connection. Drizzle
 * asks postgres.js for an unnamed one unless the query was built with .prepare(), so PostgreSQL
 * parsed and planned each request's statements afresh: under bench/load that was most of
 * PostgreSQL's CPU. postgres.js keeps each distinct SQL text prepared on each connection until
 * the connection is replaced (max_lifetime), and prepares again when a migration changed a
 * table under it. A list of ids becomes `in ($1, …, $n)`, a new text for every length: a
 * statement with more than MAX_PREPARED_PARAMS parameters (an export's batch, a long list)
 * stays unnamed, so a connection keeps a bounded number. Statements inside db.transaction run
 * on the transaction's own client and stay unnamed; one without parameters goes as a simple
 * query either way (it may hold several).
 */
export function preparing<T extends object>(client: T): T {
  const unsafe = (client as unknown as { unsafe: Unsafe }).unsafe;
  const prepared: Unsafe = (query, params, options) =>
    unsafe(
      query,
      params,
      params?.length && params.length <= MAX_PREPARED_PARAMS
        ? { ...options, prepare: true }
        : options
    );
  return { ...client, unsafe: prepared };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const memory = dataDir.startsWith('memory://');
  const dir = memory ? dataDir : path.resolve(dataDir, 'pglite');
  const lockFile = memory ? undefined : path.resolve(dataDir, 'pglite.pid');
  if (lockFile) {
    makePrivateDir(dataDir);
    takeDirectoryLock(lockFile, dir);
    // Made here, owner-only, before PGlite creates it with the umask's mode.
    makePrivateDir(dir);
  }
  const handle = await openPgliteHandle(dir);
  return {
    ...handle,
    async close() {
      await handle.close();
      if (lockFile) rmSync(lockFile, { force: true });
    }
  };
}

/**
 * PGlite in `dir` ('memory://' for a throw-away database) on its own worker thread, behind
 * drizzle: see pglite-thread.ts. No directory lock: openDatabase takes it.
 */
export async function openPgliteHandle(dir: string): Promise<DatabaseHandle> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { startPgliteThread } = await import('./pglite-thread');
  const client = startPgliteThread(dir);
  await client.waitReady;
  const db = drizzle({ client: client as never, schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    withAdvisoryLock: (_key, fn) => fn(db),
    close: () => client.close()
  };
}

function takeDirectoryLock(lockFile: string, dir: string): void {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseBusyError(
        `The database in ${dir} is in use by another Sheaf process (pid ${pid}). ` +
          'Stop the server first, or set DATABASE_URL to use PostgreSQL.'
      );
    }
  } catch (error) {
    if (error instanceof DatabaseBusyError) throw error;
  }
  writeFileSync(lockFile, String(process.pid), { mode: PRIVATE_FILE_MODE });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the database answers within timeoutMs. */
export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const handle = holder[KEY];
  if (!handle) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      handle.db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      })
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
