import type { Sql } from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DatabaseUnavailableError,
  isPostgresJsDeadSocketWrite,
  ResilientPostgres
} from './resilient-postgres';
import { isConnectionFailure, isDatabaseUnavailable } from './unavailable';

const failure = (code: string) => Object.assign(new Error(code), { code });

/** A stand-in for a postgres.js instance: unsafe() answers with `answer()`. */
function fakeSql(name: string, answer: () => Promise<unknown>) {
  const query = (values: boolean) => {
    const p = answer().then((rows) => (values ? { values: rows } : rows));
    return Object.assign(p, { values: () => query(true) });
  };
  return {
    name,
    options: { parsers: {} as Record<string, unknown>, serializers: {} as Record<string, unknown> },
    unsafe: vi.fn(() => query(false)),
    begin: vi.fn((fn: (tx: unknown) => unknown) => answer().then(() => fn('tx'))),
    end: vi.fn(() => Promise.resolve())
  };
}

describe('ResilientPostgres', () => {
  let pool: ResilientPostgres | undefined;
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  function setup(probes: (() => Promise<unknown>)[]) {
    const pools: ReturnType<typeof fakeSql>[] = [];
    const answers: (() => Promise<unknown>)[] = [async () => [{ ok: 1 }]];
    let probe = 0;
    const log: string[] = [];
    pool = new ResilientPostgres({
      create: (kind) => {
        if (kind === 'probe') {
          const next = probes[Math.min(probe++, probes.length - 1)];
          return fakeSql(`probe${probe}`, next) as unknown as Sql;
        }
        const sql = fakeSql(`pool${pools.length}`, () => answers[0]());
        pools.push(sql);
        return sql as unknown as Sql;
      },
      probeIntervalMs: 5,
      probeTimeoutMs: 200,
      verdictMs: 30,
      log: (m) => log.push(m)
    });
    return { pools, answers, log, client: pool.client() };
  }

  it('passes queries through, `.values()` included, while the database answers', async () => {
    const { client, pools } = setup([async () => []]);
    expect(await client.unsafe('select 1')).toEqual([{ ok: 1 }]);
    expect(await client.unsafe('select 1', []).values()).toEqual({ values: [{ ok: 1 }] });
    expect(await client.begin(async (tx) => `in ${String(tx)}`)).toBe('in tx');
    expect(pools).toHaveLength(1);
  });

  it('opens on a lost connection: fails at once, swaps the pool, closes when a probe answers', async () => {
    let release!: () => void;
    const down = new Promise<void>((r) => (release = r));
    const probes = [
      () => Promise.reject(failure('ECONNREFUSED')),
      () => Promise.reject(failure('57P03')),
      async () => {
        await down;
        return [];
      }
    ];
    const { client, pools, answers, log } = setup(probes);
    pools[0].options.parsers['1184'] = 'drizzle parser';
    answers[0] = () => Promise.reject(failure('CONNECTION_CLOSED'));
    await expect(client.unsafe('select 1')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(pool!.unavailable).toBe(true);
    expect(pools).toHaveLength(2);
    expect(pools[1].options.parsers['1184']).toBe('drizzle parser');

    answers[0] = async () => [{ ok: 2 }];
    // "At once": both settle before the event loop's next turn, so neither waited on a timer, a
    // probe or a socket (ordering, not milliseconds: the machine may be busy).
    const nextTurn = () => new Promise<'waited'>((r) => setImmediate(() => r('waited')));
    const gated = client.unsafe('select 1');
    const gatedBegin = client.begin(async () => 1);
    const first = (p: Promise<unknown>) =>
      Promise.race([
        p.then(
          () => 'answered',
          (e: unknown) => e
        ),
        nextTurn()
      ]);
    expect(await first(gated)).toBeInstanceOf(DatabaseUnavailableError);
    expect(await first(gatedBegin)).toBeInstanceOf(DatabaseUnavailableError);
    expect(pools[1].unsafe).not.toHaveBeenCalled();
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);

    // The first probe failed: the old pool is destroyed at once, not drained.
    await vi.waitFor(() => expect(pools[0].end).toHaveBeenCalledWith({ timeout: 0 }));
    await vi.waitFor(() => expect(log.join('\n')).toMatch(/still out of reach: 57P03/));
    release();
    await vi.waitFor(() => expect(pool!.unavailable).toBe(false));
    expect(await client.unsafe('select 1')).toEqual([{ ok: 2 }]);
    expect(pools[1].unsafe).toHaveBeenCalledTimes(1);
    expect(log.join('\n')).toMatch(/PostgreSQL is back after \d+ ms/);
  });

  it('drains the old pool when the database still answers (one connection died)', async () => {
    const { client, pools, answers } = setup([async () => []]);
    answers[0] = () => Promise.reject(failure('57P01'));
    await expect(client.unsafe('select 1')).rejects.toMatchObject({ code: '57P01' });
    await vi.waitFor(() => expect(pool!.unavailable).toBe(false));
    expect(pools[0].end).toHaveBeenCalledWith({ timeout: 30 });
  });

  it('destroys the old pool when the first probe gets no answer in time (shutting down)', async () => {
    let release!: () => void;
    const down = new Promise<void>((r) => (release = r));
    const { client, pools, answers } = setup([
      async () => {
        await down;
        throw failure('ECONNRESET');
      },
      async () => []
    ]);
    answers[0] = () => Promise.reject(failure('CONNECTION_CLOSED'));
    await expect(client.unsafe('select 1')).rejects.toBeTruthy();
    await vi.waitFor(() => expect(pools[0].end).toHaveBeenCalledWith({ timeout: 0 }));
    expect(pool!.unavailable).toBe(true);
    release();
    await vi.waitFor(() => expect(pool!.unavailable).toBe(false));
  });

  it('stays closed for errors that are not the database going away', async () => {
    const { client, pools, answers } = setup([async () => []]);
    answers[0] = () => Promise.reject(failure('23505'));
    await expect(client.unsafe('insert')).rejects.toMatchObject({ code: '23505' });
    answers[0] = () => Promise.reject(failure('53300'));
    await expect(client.unsafe('select 1')).rejects.toMatchObject({ code: '53300' });
    expect(pool!.unavailable).toBe(false);
    expect(pools).toHaveLength(1);
  });

  it('ignores late failures from a pool it already replaced', async () => {
    const { pools, answers } = setup([async () => []]);
    answers[0] = () => Promise.reject(failure('ECONNRESET'));
    const client = pool!.client();
    await expect(client.unsafe('select 1')).rejects.toBeTruthy();
    await vi.waitFor(() => expect(pool!.unavailable).toBe(false));
    pool!.report(failure('CONNECTION_DESTROYED'), pools[0] as unknown as Sql);
    expect(pool!.unavailable).toBe(false);
    expect(pools).toHaveLength(2);
  });
});

describe('isConnectionFailure', () => {
  it('is the server gone or going, not merely full', () => {
    for (const code of ['ECONNREFUSED', 'CONNECTION_CLOSED', '57P01', '57P03', '08006']) {
      expect(isConnectionFailure(failure(code)), code).toBe(true);
    }
    expect(isConnectionFailure(failure('53300'))).toBe(false);
    expect(isDatabaseUnavailable(failure('53300'))).toBe(true);
    expect(isConnectionFailure(failure('DATABASE_UNAVAILABLE'))).toBe(false);
    expect(isConnectionFailure(failure('23505'))).toBe(false);
  });
});

describe('isPostgresJsDeadSocketWrite', () => {
  it("matches postgres.js's write to a closed connection and nothing else", () => {
    const crash = new TypeError("Cannot read properties of null (reading 'write')");
    crash.stack = `${crash.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:483:21)`;
    expect(isPostgresJsDeadSocketWrite(crash)).toBe(true);
    const other = new TypeError("Cannot read properties of null (reading 'write')");
    other.stack = `${other.message}\n    at render (file:///app/build/server/chunks/page.js:10:5)`;
    expect(isPostgresJsDeadSocketWrite(other)).toBe(false);
    expect(isPostgresJsDeadSocketWrite(new Error('boom'))).toBe(false);
  });
});
