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

  describe('a named statement (the session check)', () => {
    const thread = () =>
      (handle.db as unknown as { $client: ReturnType<typeof startPgliteThread> }).$client;
    const noteOf = (id: number) =>
      thread().textStatement('test_note_of', 'select note from t where id = $1::int', [String(id)]);

    it('returns the first column as text, and undefined for no row or a null', async () => {
      await db().execute(
        sql`insert into t (id, note) values (20, ${'Zoë 🧾 ünïcode'}), (21, null)`
      );
      expect(await noteOf(20)).toBe('Zoë 🧾 ünïcode');
      expect(await noteOf(21)).toBeUndefined();
      expect(await noteOf(22)).toBeUndefined();
      // Many at once, as concurrent requests post them: each gets its own answer.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => noteOf(20 + (i % 3))));
      expect(many.filter((n) => n === 'Zoë 🧾 ünïcode')).toHaveLength(7);
      await db().execute(sql`delete from t where id in (20, 21)`);
    });

    it('passes an error through with its code, and works again after it', async () => {
      const error = await thread()
        .textStatement('test_bad_cast', 'select ($1::int)::text', ['not a number'])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'DatabaseError', code: '22P02' });
      expect(String((error as Error).message)).toMatch(/invalid input syntax/);
      expect(await thread().textStatement('test_bad_cast', 'select ($1::int)::text', ['7'])).toBe(
        '7'
      );
    });

    it('waits for an open transaction instead of running inside it', async () => {
      let outside: Promise<string | undefined> | undefined;
      await db()
        .transaction(async (tx) => {
          await tx.execute(sql`insert into t (id, note) values (30, 'never committed')`);
          outside = noteOf(30);
          await new Promise((r) => setImmediate(r));
          await tx.execute(sql`select 1`);
          throw new Error('roll back');
        })
        .catch(() => {});
      // Run inside the transaction, it would have seen the row that was rolled back.
      expect(await outside).toBeUndefined();
    });

    it('prepares again when a table under it changed', async () => {
      await db().execute(sql`create table u (id int primary key, v text)`);
      await db().execute(sql`insert into u values (1, 'a')`);
      const read = () => thread().textStatement('test_u', 'select u::text from u where id = 1', []);
      expect(await read()).toBe('(1,a)');
      await db().execute(sql`alter table u add column w text default 'b'`);
      expect(await read()).toBe('(1,a,b)');
    });
  });

  it('reports a stopped database as unavailable (503), not as a bug', async () => {
    const thread = startPgliteThread('memory://');
    await thread.waitReady;
    await thread.close();
    const error = await thread.query('select 1').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
  }, 120_000);
});
