import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteHandle, type DatabaseHandle } from './client';
import { isDatabaseUnavailable } from './unavailable';
import { startPgliteThread } from './pglite-thread';

let handle: DatabaseHandle;
// Starting PGlite on a thread compiles its WebAssembly: seconds on a busy machine, so the hooks
// get a generous bound rather than vitest's 10 s.
beforeAll(async () => {
  handle = await openPgliteHandle('memory://');
  await handle.db.execute(sql`create table t (id int primary key, at timestamptz, note text)`);
}, 120_000);
afterAll(() => handle?.close(), 60_000);
const db = () => handle.db;
const rowsOf = async <T>(query: ReturnType<typeof sql>) =>
  ((await db().execute(query)) as unknown as { rows: T[] }).rows;
const ids = async () =>
  (await rowsOf<{ id: number }>(sql`select id from t order by id`)).map((r) => r.id);

describe('PGlite on a worker thread', () => {
  it('round-trips parameters and types as PGlite does in-thread', async () => {
    const at = new Date('2026-11-25T10:11:12.345Z');
    await db().execute(sql`insert into t values (1, ${at.toISOString()}, ${'Zoë "quoted" 🧾'})`);
    const rows = await rowsOf<{ id: number; at: string; note: string; n: null }>(
      sql`select id, at, note, null as n from t where id = 1`
    );
    expect(rows[0].id).toBe(1);
    expect(new Date(rows[0].at).toISOString()).toBe(at.toISOString());
    expect(rows[0].note).toBe('Zoë "quoted" 🧾');
    expect(rows[0].n).toBeNull();
  });

  it('commits a transaction, rolls one back when it throws, and keeps savepoints', async () => {
    await db().transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (2)`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into t (id) values (3)`);
          throw new Error('inner');
        })
        .catch(() => {});
    });
    await expect(
      db().transaction(async (tx) => {
        await tx.execute(sql`insert into t (id) values (4)`);
        throw new Error('nope');
      })
    ).rejects.toThrow('nope');
    expect(await ids()).toEqual([1, 2]);
  });

  it('makes other queries wait for an open transaction, as one connection does', async () => {
    let outside: Promise<number[]> | undefined;
    await db().transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (5)`);
      outside = ids();
      // By the event loop's next turn the outside query is posted to the worker, ahead of the
      // next statement here: had it not waited, it would have run (and seen 5) by then.
      await new Promise((r) => setImmediate(r));
      await tx.execute(sql`select 1`);
      await tx.execute(sql`delete from t where id = 5`);
    });
    expect(await outside).toEqual([1, 2]);
  });

  it('passes PostgreSQL errors through with their code and constraint', async () => {
    const error = await db()
      .execute(sql`insert into t (id) values (1)`)
      .catch((e: unknown) => e);
    // drizzle wraps it (as it wraps PGlite's own): the database's error is the cause.
    expect((error as { cause: unknown }).cause).toMatchObject({
      name: 'DatabaseError',
      code: '23505',
      constraint: 't_pkey'
    });
    // The failed statement left nothing half-done: the next one works.
    expect(await ids()).toEqual([1, 2]);
  });

  it('reports a stopped database as unavailable (503), not as a bug', async () => {
    const thread = startPgliteThread('memory://');
    await thread.waitReady;
    await thread.close();
    const error = await thread.query('select 1').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
  }, 120_000);
});
