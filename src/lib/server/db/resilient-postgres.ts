// postgres.js made to live through PostgreSQL stopping and starting again under load
// (tests/integration/faults/postgres-restart.test.ts). Three parts:
//
// 1. A circuit breaker. The first query that finds the database out of reach (refused, reset,
//    closed under it, 57P01 admin shutdown, 57P03 cannot connect now, ...) opens it; while open,
//    every query fails at once with DatabaseUnavailableError (a 503 upstream) instead of queueing
//    behind postgres.js's reconnect attempts, and a probe (`select 1` on a connection of its own)
//    runs every probeIntervalMs. The first probe that answers closes it: the app serves again
//    within about one probe interval of the database's return.
// 2. A fresh pool on each opening. postgres.js 3.4.x can leave a connection that died mid-write
//    unusable (its pending write stuck: every later use ends in CONNECT_TIMEOUT, see
//    porsager/postgres#1208, #1215) and can report a dead backend's error on the next query.
//    The breaker therefore swaps in a new postgres.js instance when it opens and ends the old one.
// 3. A guard for the crash in that same bug: a transaction whose connection closes under it makes
//    postgres.js send its ROLLBACK to a socket that is already gone, which throws a TypeError from
//    a setImmediate callback (`Cannot read properties of null (reading 'write')` in nextWrite): an
//    uncaught exception that ends the process. The guard swallows exactly that error (and opens
//    the breaker); any other uncaught exception still ends the process as Node would.
// Drop 2 and 3 once postgres.js ships the fix (porsager/postgres#1209 + #1215).
import type { Sql } from 'postgres';
import { isConnectionFailure } from './unavailable';

export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('The database is out of reach; retrying in the background', { cause });
  }
}

export interface ResilientOptions {
  /**
   * Makes a postgres.js instance (lazy: it connects on first use); `probe` asks for a one-off
   * single-connection instance with a short connect timeout.
   */
  create: (kind: 'pool' | 'probe') => Sql;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /**
   * After one connection failed on a database that still answers: how long the replaced pool's
   * in-flight work gets before its sockets are destroyed.
   */
  drainTimeoutS?: number;
  /** The first probe must answer within this for the database to count as still up. */
  verdictMs?: number;
  log?: (message: string) => void;
}

/** A query as drizzle uses it: awaited for rows, or `.values()` then awaited for arrays. */
export interface GatedQuery<T = unknown> extends PromiseLike<T> {
  values(): GatedQuery<T>;
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R>;
  finally(onfinally?: (() => void) | null): Promise<T>;
}

type AnySql = Sql<Record<string, unknown>>;

export class ResilientPostgres {
  private current: AnySql;
  private readonly first: AnySql;
  private openedAt: number | null = null;
  private ended = false;
  private readonly retired = new Set<Promise<unknown>>();
  private readonly retiring = new WeakSet<AnySql>();
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly drainTimeoutS: number;
  private readonly verdictMs: number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: ResilientOptions) {
    this.first = this.current = options.create('pool') as AnySql;
    this.probeIntervalMs = options.probeIntervalMs ?? 100;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2000;
    this.drainTimeoutS = options.drainTimeoutS ?? 30;
    this.verdictMs = options.verdictMs ?? 500;
    this.log = options.log ?? ((m) => console.error(m));
    live.add(this);
    installCrashGuard();
  }

  /** True while the breaker is open (the database was found out of reach and has not answered). */
  get unavailable(): boolean {
    return this.openedAt !== null;
  }

  /**
   * What drizzle is given as its postgres.js client: `options` (drizzle sets its type parsers
   * there; copied into every later instance), `unsafe` and `begin`, each through the breaker.
   */
  client(): AnySql {
    const unsafe = (query: string, params?: unknown[], opts?: object) =>
      this.gate((sql, values) => {
        const q = sql.unsafe(query, params as never, opts as never);
        return values ? q.values() : q;
      });
    const begin = (...args: unknown[]) =>
      this.run((sql) => (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args));
    return {
      options: this.first.options,
      unsafe,
      begin,
      reserve: () => this.run((sql) => sql.reserve()),
      end: (opts?: { timeout?: number }) => this.end(opts)
    } as unknown as AnySql;
  }

  /** Runs fn on the current instance: at once DatabaseUnavailableError while the breaker is open. */
  async run<T>(fn: (sql: AnySql) => Promise<T> | PromiseLike<T>): Promise<T> {
    if (this.ended) throw new DatabaseUnavailableError();
    if (this.openedAt !== null) throw new DatabaseUnavailableError();
    const sql = this.current;
    try {
      return await fn(sql);
    } catch (error) {
      this.report(error, sql);
      throw error;
    }
  }

  private gate<T>(start: (sql: AnySql, values: boolean) => PromiseLike<T>): GatedQuery<T> {
    let values = false;
    let started: Promise<T> | undefined;
    const promise = () => (started ??= this.run((sql) => start(sql, values)));
    const query: GatedQuery<T> = {
      values() {
        values = true;
        return query;
      },
      then: (ok, fail) => promise().then(ok, fail),
      catch: (fail) => promise().catch(fail),
      finally: (f) => promise().finally(f)
    };
    return query;
  }

  /** A query on `sql` failed: when the database is out of reach, open the breaker. */
  report(error: unknown, sql: AnySql = this.current): void {
    if (sql !== this.current || this.ended || this.openedAt !== null) return;
    if (!isConnectionFailure(error)) return;
    this.open(error);
  }

  /** Opens the breaker: a fresh instance replaces the current one, and probing starts. */
  open(reason?: unknown): void {
    if (this.ended || this.openedAt !== null) return;
    this.openedAt = Date.now();
    const why = (reason as { code?: string } | undefined)?.code ?? String(reason ?? 'recycled');
    this.log(`[db] PostgreSQL out of reach (${why}); answering 503 until it is back`);
    const old = this.current;
    const next = this.options.create('pool') as AnySql;
    Object.assign(next.options.parsers, this.first.options.parsers);
    Object.assign(next.options.serializers, this.first.options.serializers);
    this.current = next;
    void this.watch(old);
  }

  /**
   * Until the database answers: `select 1` on a connection of its own every probeIntervalMs (not
   * through the pool, whose reconnect backoff and queue would delay the news). When it answers,
   * the breaker closes; the pool swapped in at the opening has not been used yet (every query
   * failed at the gate), so requests start on fresh connections.
   *
   * The old pool goes by the first probe: when the database answers within verdictMs (one
   * connection died, the server is fine), its in-flight work gets drainTimeoutS to finish; when it
   * does not, it is destroyed at once, so queries queued there behind reconnect attempts fail now
   * (503), not seconds later.
   */
  private async watch(old: AnySql): Promise<void> {
    const seen = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await sleep(this.probeIntervalMs);
      if (this.ended) break;
      const probe = this.probeOnce();
      if (attempt === 0) {
        // A database that is up answers within verdictMs; a shutting-down one may hold the
        // connection until it is gone, so no answer by then counts as none.
        let timer: NodeJS.Timeout | undefined;
        const verdict = await Promise.race([
          probe.then((failure) => (failure ? 'down' : 'up')),
          new Promise<'down'>((r) => (timer = setTimeout(() => r('down'), this.verdictMs)))
        ]);
        clearTimeout(timer);
        this.retire(old, verdict === 'up' ? this.drainTimeoutS : 0);
      }
      const failure = await probe;
      if (this.ended) break;
      if (!failure) {
        this.log(`[db] PostgreSQL is back after ${Date.now() - (this.openedAt ?? Date.now())} ms`);
        this.openedAt = null;
        return;
      }
      // Each kind of answer once per outage: refused, 57P03 shutting down, starting up, ...
      const e = failure as { code?: string; message?: string };
      const kind = [e.code, e.message ?? String(failure)].filter(Boolean).join(' ');
      if (!seen.has(kind)) {
        seen.add(kind);
        this.log(`[db] still out of reach: ${kind}`);
      }
    }
    this.retire(old, 0);
  }

  /** One `select 1` on a one-off connection: undefined when it answered, else the error. */
  private async probeOnce(): Promise<unknown> {
    const sql = this.options.create('probe') as AnySql;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sql.unsafe('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), this.probeTimeoutMs);
        })
      ]);
      return undefined;
    } catch (error) {
      return error ?? new Error('probe failed');
    } finally {
      clearTimeout(timer);
      void sql.end({ timeout: 0 }).catch(() => {});
    }
  }

  private retire(old: AnySql, timeoutS: number): void {
    if (this.retiring.has(old)) return;
    const ending: Promise<unknown> = old
      .end({ timeout: timeoutS })
      .catch(() => {})
      .finally(() => this.retired.delete(ending));
    this.retiring.add(old);
    this.retired.add(ending);
  }

  async end(opts: { timeout?: number } = {}): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    live.delete(this);
    await Promise.all([this.current.end(opts).catch(() => {}), ...this.retired]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

const live = new Set<ResilientPostgres>();

/** The uncaught TypeError postgres.js 3.4.x throws when it writes to a connection already gone. */
export function isPostgresJsDeadSocketWrite(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /\(reading 'write'\)|evaluating 'socket\.write'/.test(error.message) &&
    /nextWrite/.test(error.stack ?? '') &&
    /postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? '')
  );
}

const GUARD = Symbol.for('sheaf.postgres-crash-guard');

function installCrashGuard(): void {
  const g = globalThis as { [GUARD]?: boolean };
  if (g[GUARD]) return;
  g[GUARD] = true;
  const guard = (error: Error) => {
    if (isPostgresJsDeadSocketWrite(error)) {
      console.error(
        '[db] postgres.js wrote to a closed connection (porsager/postgres#1208); recycling the pool'
      );
      for (const pool of live) pool.open({ code: 'postgres.js wrote to a closed connection' });
      return;
    }
    // Not ours. With no other listener, do what Node does without one: print it and exit 1.
    if (process.listenerCount('uncaughtException') === 1) {
      console.error(error);
      process.exit(1);
    }
  };
  process.on('uncaughtException', guard);
}
