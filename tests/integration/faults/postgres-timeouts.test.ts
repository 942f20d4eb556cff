// A statement that runs away or waits on a lock gives up on PostgreSQL (client.ts: the pool's
// statement_timeout and lock_timeout), answers as "unavailable for this request" (a 503 upstream,
// hooks.server.ts) and leaves the pool serving; migrations, on a connection of their own, run
// without either limit (even where the database's own defaults set one) and wait for one another.
// Short limits here; the app's defaults are 30 s and 10 s (DB_STATEMENT_TIMEOUT, DB_LOCK_TIMEOUT).
// PostgreSQL only (PGlite has no other session to wait on).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCK_TIMEOUT_MS,
  STATEMENT_TIMEOUT_MS,
  openPostgresHandle,
  type DatabaseHandle
} from '../../../src/lib/server/db/client';
import { migrateDatabase } from '../../../src/lib/server/db/migrate';
import {
  isConnectionFailure,
  isDatabaseTimeout,
  isDatabaseUnavailable
} from '../../../src/lib/server/db/unavailable';
import { startInstance } from '../../support/cluster';
import { createInstanceDatabase, seedStaffWithDraft } from '../../support/instance-data';
import { createTestDatabase } from '../../support/postgres';

const short = { statementTimeoutMs: 300, lockTimeoutMs: 300 };
const rowsOf = async (query: PromiseLike<unknown>) =>
  Array.from((await query) as Iterable<unknown>);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the statement to fail');
    },
    (error: unknown) => error
  );
}

describe('PostgreSQL statement and lock timeouts', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const handles: DatabaseHandle[] = [];
  const open = async (options = short) => {
    const handle = await openPostgresHandle(database.url, { poolMax: 3, ...options });
    handles.push(handle);
    return handle;
  };

  beforeAll(async () => {
    database = await createTestDatabase('sheaf_timeouts');
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await database?.drop();
  });

  it('the app waits 30 s for a statement and 10 s for a lock', () => {
    expect(STATEMENT_TIMEOUT_MS).toBe(30_000);
    expect(LOCK_TIMEOUT_MS).toBe(10_000);
  });

  it('cancels a runaway statement, counts it as a timeout, and the pool serves on', async () => {
    const handle = await open();
    const started = Date.now();
    const error = await failure(handle.db.execute(sql`select pg_sleep(10)`));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isDatabaseTimeout(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isConnectionFailure(error)).toBe(false);
    // Every connection of the pool answers at once afterwards.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => rowsOf(handle.db.execute(sql`select 1 as one`)))
    );
    expect(answers.map((rows) => rows[0])).toEqual(Array(6).fill({ one: 1 }));
  });

  it('gives up waiting for a lock another session holds, and the row is untouched', async () => {
    const handle = await open();
    await handle.db.execute(sql`create table held (id int primary key, note text)`);
    await handle.db.execute(sql`insert into held values (1, 'before')`);
    const other = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other.begin(async (tx) => {
        await tx`select * from held where id = 1 for update`;
        locked();
        await released;
      });
      await isLocked;
      const started = Date.now();
      let error: unknown;
      try {
        error = await failure(handle.db.execute(sql`update held set note = 'after' where id = 1`));
      } finally {
        release();
        await holder;
      }
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(isDatabaseTimeout(error)).toBe(true);
      const rows = await rowsOf(handle.db.execute(sql`select note from held where id = 1`));
      expect(rows).toEqual([{ note: 'before' }]);
    } finally {
      await other.end({ timeout: 5 });
    }
  });

  it('runs a migration longer than the limits, and two instances migrating at once both finish', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sheaf-migrations-'));
    try {
      mkdirSync(path.join(folder, 'meta'));
      writeFileSync(
        path.join(folder, 'meta', '_journal.json'),
        JSON.stringify({
          version: '7',
          dialect: 'postgresql',
          entries: [{ idx: 0, version: '7', when: 1, tag: '0000_slow', breakpoints: true }]
        })
      );
      writeFileSync(
        path.join(folder, '0000_slow.sql'),
        'select pg_sleep(1);\n--> statement-breakpoint\ncreate table slow_done (id int);\n'
      );
      // The database's own defaults would cut both short: the migration connection says none.
      const admin = postgres(database.url, { max: 1, onnotice: () => {} });
      await admin.unsafe(
        `alter database "${database.name}" set lock_timeout = '300ms';` +
          `alter database "${database.name}" set statement_timeout = '300ms'`
      );
      await admin.end();
      const [a, b] = [await open(), await open()];
      // The second waits on the first's advisory lock for about a second: longer than its lock
      // timeout, which would fail it if it waited on a pool connection.
      await Promise.all([migrateDatabase(a, folder), migrateDatabase(b, folder)]);
      const rows = await rowsOf(a.db.execute(sql`select count(*)::int as n from slow_done`));
      expect(rows).toEqual([{ n: 0 }]);
      const applied = await rowsOf(
        a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
      );
      expect(applied).toEqual([{ n: 1 }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a request held up by a lock answers 503 with Retry-After, logs why, and the next is served', async () => {
    const seeded = await createInstanceDatabase('postgres');
    const { staff } = await seeded.use(seedStaffWithDraft);
    const instance = await startInstance({ env: { ...seeded.env, DB_LOCK_TIMEOUT: '1' } });
    const locker = postgres(seeded.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      const held = await locker.reserve();
      await held`begin`;
      await held`lock table outbox in access exclusive mode`;
      const signIn = () =>
        fetch(`${instance.url}/sign-in`, {
          method: 'POST',
          headers: {
            origin: instance.url,
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded'
          },
          body: new URLSearchParams({ email: staff.email }),
          redirect: 'manual'
        });
      const started = Date.now();
      const refused = await signIn();
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.text()).toContain('briefly unavailable');
      expect(instance.output()).toMatch(/database unavailable[\s\S]*lock timeout/);

      await held`rollback`;
      held.release();
      const page = await fetch(`${instance.url}/sign-in`);
      expect(page.status).toBe(200);
    } finally {
      await locker.end({ timeout: 5 });
      await instance.stop('SIGTERM');
      await seeded.drop();
    }
  }, 180_000);
});
