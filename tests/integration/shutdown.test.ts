// Graceful shutdown of a real `node build`: SIGTERM in the middle of a 200-request load stops
// new connections, lets every accepted request finish with a whole response, closes the
// database and exits 0 within 10 s. Runs on PGlite and on a fresh PostgreSQL database.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../support/cluster';
import { createTestDatabase } from '../support/postgres';

type Outcome =
  | { kind: 'complete'; status: number; path: string; body: string; at: number }
  | { kind: 'refused'; code: string }
  | { kind: 'cut'; path: string; status: number; error: string };

/** One request on its own connection, so "accepted" and "refused" are told apart cleanly. */
function request(base: string, pathname: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(`${base}${pathname}`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) =>
        resolve({ kind: 'cut', path: pathname, status: res.statusCode ?? 0, error: e.message })
      );
      res.on('aborted', () =>
        resolve({ kind: 'cut', path: pathname, status: res.statusCode ?? 0, error: 'aborted' })
      );
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const length = res.headers['content-length'];
        if (!res.complete || (length !== undefined && Buffer.byteLength(body) !== Number(length))) {
          resolve({ kind: 'cut', path: pathname, status: res.statusCode ?? 0, error: 'short' });
        } else {
          resolve({
            kind: 'complete',
            status: res.statusCode ?? 0,
            path: pathname,
            body,
            at: Date.now()
          });
        }
      });
    });
    // An error before any response: the server never took the request (refused or reset).
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ kind: 'refused', code: e.code ?? e.message })
    );
  });
}

const postgres = process.env.SHEAF_TEST_DB === 'postgres';
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe(`graceful shutdown (${postgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('SIGTERM mid-load: no accepted request is lost and the process exits 0 within 10 s', async () => {
    const env: Record<string, string> = {};
    if (postgres) {
      const database = await createTestDatabase('sheaf_shutdown');
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
    }
    const instance: Instance = await startInstance({ env });
    cleanups.push(async () => void (await instance.stop('SIGKILL')));

    let signalledAt = 0;
    let stopping: ReturnType<Instance['stop']> | undefined;
    const paths = Array.from({ length: 200 }, (_, i) => (i % 2 ? '/' : '/api/healthz'));
    const load = paths.map((p) =>
      request(instance.url, p).then((outcome) => {
        // SIGTERM as soon as the first response is back: most of the load is still in flight.
        if (!stopping && outcome.kind === 'complete') {
          signalledAt = Date.now();
          stopping = instance.stop('SIGTERM');
        }
        return outcome;
      })
    );
    const outcomes = await Promise.all(load);
    expect(stopping).toBeDefined();

    // Once signalled, the server takes no new connections.
    const late = await request(instance.url, '/api/healthz');
    expect(late).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });

    const exit = await stopping!;
    const complete = outcomes.filter((o) => o.kind === 'complete');
    const cut = outcomes.filter((o) => o.kind === 'cut');
    const refused = outcomes.filter((o) => o.kind === 'refused');

    expect(cut, 'responses cut off part-way').toEqual([]);
    expect(complete.length + refused.length).toBe(200);
    // Every accepted request got a whole, successful answer (the database stayed open for it).
    for (const o of complete) {
      expect(o.status, `${o.path}: ${o.body.slice(0, 200)}`).toBe(200);
      if (o.path === '/api/healthz') expect(JSON.parse(o.body)).toMatchObject({ ok: true });
      else expect(o.body.trimEnd()).toMatch(/<\/html>$/);
    }
    // Requests in flight at the signal were finished, not dropped.
    expect(complete.filter((o) => o.at > signalledAt).length).toBeGreaterThan(0);
    for (const o of refused) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(o.code);

    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    expect(instance.output()).toContain('Sheaf stopped (SIGTERM).');
    expect(instance.output()).not.toMatch(/error/i);
    if (!postgres) expect(existsSync(path.join(instance.dataDir, 'pglite.pid'))).toBe(false);
    console.info(
      `shutdown (${postgres ? 'postgres' : 'pglite'}): ${complete.length} complete ` +
        `(${complete.filter((o) => o.at > signalledAt).length} after SIGTERM), ${refused.length} refused, ` +
        `exit ${exit.code} in ${exit.ms} ms`
    );
  }, 90_000);

  it('SIGINT (Ctrl-C) shuts down the same way', async () => {
    const env: Record<string, string> = {};
    if (postgres) {
      const database = await createTestDatabase('sheaf_shutdown');
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
    }
    const instance = await startInstance({ env });
    const exit = await instance.stop('SIGINT');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    expect(instance.output()).toContain('Sheaf stopped (SIGINT).');
  }, 90_000);
});
