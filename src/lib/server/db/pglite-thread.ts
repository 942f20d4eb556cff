// PGlite on a worker thread. PGlite is PostgreSQL compiled to WebAssembly: wherever it runs, it
// runs on that thread. On the request thread every query's cost is the request's cost, while a
// second core sits idle; on a worker thread the database works beside the pages, the way a
// PostgreSQL server does in its own process, and the request thread only posts the SQL and
// takes the rows back.
//
// The main side implements the part of PGlite's interface drizzle uses (query, exec,
// transaction); the worker runs the real PGlite. A transaction holds PGlite's own transaction
// lock inside the worker until the main side commits or rolls back, so other queries wait for
// it exactly as they do in-thread.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

interface QueryOptions {
  rowMode?: 'array' | 'object';
  /** drizzle passes identity parsers (keep these types as text); only their type ids cross. */
  parsers?: Record<number, unknown>;
}
interface Results {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}
type Request =
  | { op: 'query'; sql: string; params: unknown[]; rowMode?: string; raw: number[]; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  | { op: 'statement'; name: string; sql: string; params: (string | null)[] }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** An error thrown by the database, with PostgreSQL's fields (code, detail, constraint…). */
export class DatabaseError extends Error {
  code?: string;
  constructor(fields: Record<string, unknown>) {
    super(String(fields.message ?? 'database error'));
    Object.assign(this, fields);
    this.name = 'DatabaseError';
  }
}

// The worker: plain JavaScript, evaluated as a script, so the built server needs no extra file.
const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
let started = null;
const start = (async () => {
  const { PGlite, protocol } = await import(workerData.pglite);
  const db = new PGlite(workerData.dir);
  await db.waitReady;
  // A new 16 MB WAL segment is created without writing it full of zeros first (that took
  // 85-290 ms, once per few thousand mails). The zeros only reserve disk space ahead of time;
  // WAL records are checked on replay either way, so nothing about recovery changes.
  await db.exec('set wal_init_zero = off');
  return (started = { db, protocol });
})();
const txs = new Map();
let nextTx = 1;
const prepared = new Set();
const identity = (v) => v;
function errorFields(e) {
  const out = { message: e && e.message ? e.message : String(e) };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position', 'where']) {
    if (e && e[k] !== undefined) out[k] = e[k];
  }
  return out;
}
function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
// A named prepared statement with one text column: Bind + Execute + Sync in one call.
async function statement(db, protocol, m) {
  const s = protocol.serialize;
  const run = async () => {
    const call = [s.bind({ statement: m.name, values: m.params }), s.execute({}), s.sync()];
    if (!prepared.has(m.name)) call.unshift(s.close({ type: 'S', name: m.name }), s.parse({ name: m.name, text: m.sql }));
    const { messages } = await db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(() => db.execProtocol(concat(call), { syncToFs: false })));
    prepared.add(m.name);
    const row = messages.find((x) => x.name === 'dataRow');
    const value = row && row.fields ? row.fields[0] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  try {
    return await run();
  } catch (e) {
    if (!prepared.has(m.name) || (e.code !== '26000' && e.code !== '0A000')) throw e;
    prepared.delete(m.name);
    return run();
  }
}
// The same, synchronously, when nothing else is using PGlite on this thread (no query, exec or
// transaction in flight: then none of PGlite's locks is held). The session check runs on every
// signed-in request; skipping PGlite's async locks and its message parser saves about a fifth
// of the worker's CPU per check (docs/PERFORMANCE.md, "Where the hook's cost is").
const decoder = new TextDecoder();
const ERROR_FIELDS = { C: 'code', M: 'message', D: 'detail', H: 'hint', V: 'severity', n: 'constraint', t: 'table', c: 'column', s: 'schema', P: 'position', W: 'where' };
function firstTextOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text;
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at];
    const end = at + 1 + view.getInt32(at + 1);
    if (type === 69) {
      // ErrorResponse: (field type, C string)… then a zero.
      const error = {};
      for (let i = at + 5; i < end && bytes[i] !== 0; ) {
        const zero = bytes.indexOf(0, i + 1);
        const key = ERROR_FIELDS[String.fromCharCode(bytes[i])];
        if (key) error[key] = decoder.decode(bytes.subarray(i + 1, zero));
        i = zero + 1;
      }
      throw error;
    }
    if (type === 68 && text === undefined && view.getInt16(at + 5) > 0) {
      const length = view.getInt32(at + 7);
      text = length < 0 ? null : decoder.decode(bytes.subarray(at + 11, at + 11 + length));
    }
    at = end;
  }
  return typeof text === 'string' ? text : undefined;
}
function statementSync(db, protocol, m) {
  const s = protocol.serialize;
  const run = () => {
    const call = [s.bind({ statement: m.name, values: m.params }), s.execute({}), s.sync()];
    if (!prepared.has(m.name)) call.unshift(s.close({ type: 'S', name: m.name }), s.parse({ name: m.name, text: m.sql }));
    const text = firstTextOf(db.execProtocolRawSync(concat(call)));
    prepared.add(m.name);
    return text;
  };
  try {
    return run();
  } catch (e) {
    if (!prepared.has(m.name) || (e.code !== '26000' && e.code !== '0A000')) throw e;
    prepared.delete(m.name);
    return run();
  }
}
let busy = 0;
async function handle(m) {
  const { db, protocol } = await start;
  switch (m.op) {
    case 'ready':
      return null;
    case 'query': {
      const target = m.tx ? txs.get(m.tx).tx : db;
      const parsers = {};
      for (const t of m.raw) parsers[t] = identity;
      const r = await target.query(m.sql, m.params, { rowMode: m.rowMode, parsers });
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    }
    case 'exec': {
      const target = m.tx ? txs.get(m.tx).tx : db;
      const r = await target.exec(m.sql);
      return r.map((x) => ({ rows: x.rows, fields: x.fields, affectedRows: x.affectedRows }));
    }
    case 'statement':
      return statement(db, protocol, m);
    case 'begin': {
      // PGlite's transaction() holds its lock until the callback settles: the callback here
      // settles when the main side sends 'end'.
      const id = nextTx++;
      let entered;
      const inside = new Promise((resolve) => (entered = resolve));
      const done = db.transaction(
        (tx) => new Promise((commit, rollback) => { txs.set(id, { tx, commit, rollback }); entered(); })
      );
      await Promise.race([inside, done]);
      txs.get(id).done = done;
      return id;
    }
    case 'end': {
      const t = txs.get(m.tx);
      txs.delete(m.tx);
      if (m.commit) t.commit();
      else t.rollback(new Error('rolled back'));
      try {
        await t.done;
      } catch (e) {
        if (m.commit) throw e;
      }
      return null;
    }
    case 'close':
      started = null;
      await db.close();
      return null;
  }
}
parentPort.on('message', ({ id, request }) => {
  if (request.op === 'statement' && started && busy === 0 && txs.size === 0) {
    let result;
    try {
      result = statementSync(started.db, started.protocol, request);
    } catch (error) {
      parentPort.postMessage({ id, error: errorFields(error) });
      return;
    }
    parentPort.postMessage({ id, result });
    return;
  }
  busy++;
  handle(request).finally(() => busy--).then(
    (result) => parentPort.postMessage({ id, result }),
    (error) => parentPort.postMessage({ id, error: errorFields(error) })
  );
});
`;

export interface PgliteThread {
  waitReady: Promise<void>;
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results>;
  exec(sql: string): Promise<Results[]>;
  transaction<T>(fn: (tx: PgliteThreadTx) => Promise<T>): Promise<T>;
  /** A named prepared statement returning one text column (see session validation). */
  textStatement(name: string, sql: string, params: (string | null)[]): Promise<string | undefined>;
  close(): Promise<void>;
}
export interface PgliteThreadTx {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results>;
  exec(sql: string): Promise<Results[]>;
}

export function startPgliteThread(dir: string): PgliteThread {
  // The worker imports PGlite's ES module by its file URL: an evaluated script resolves no
  // package names of its own.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pglite = pathToFileURL(entry.replace(/\.cjs$/, '.js')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { dir, pglite } });
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  let nextId = 1;
  let dead: Error | null = null;
  worker.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    if (error) p.reject(new DatabaseError(error));
    else p.resolve(result);
  });
  const fail = (error: Error) => {
    dead = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) =>
    fail(new DatabaseError({ message: `PGlite stopped (${code})`, code: '08006' }))
  );
  // The worker keeps the process alive only while a call waits for it.
  worker.unref();

  const call = <T>(request: Request | { op: 'ready' }): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, request });
    });
  };
  const raw = (options?: QueryOptions) => Object.keys(options?.parsers ?? {}).map(Number);
  const query =
    (tx: number | undefined) =>
    (sql: string, params: unknown[] = [], options?: QueryOptions) =>
      call<Results>({ op: 'query', sql, params, rowMode: options?.rowMode, raw: raw(options), tx });
  const exec = (tx: number | undefined) => (sql: string) =>
    call<Results[]>({ op: 'exec', sql, tx });

  return {
    waitReady: call<void>({ op: 'ready' }),
    query: query(undefined),
    exec: exec(undefined),
    async transaction(fn) {
      const tx = await call<number>({ op: 'begin' });
      let result;
      try {
        result = await fn({ query: query(tx), exec: exec(tx) });
      } catch (error) {
        await call({ op: 'end', tx, commit: false });
        throw error;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    textStatement: (name, sql, params) =>
      call<string | undefined>({ op: 'statement', name, sql, params }),
    async close() {
      if (!dead) await call({ op: 'close' });
      await worker.terminate();
    }
  };
}
