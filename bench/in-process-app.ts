// Serves the built app in this process on an in-memory PGlite database, as the integration
// tests do, and counts the SQL statements it runs.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale } from '../scripts/build-if-stale.js';

/** PGlite in memory by default; BENCH_DB=postgres uses a fresh database on the local server. */
export async function startInProcessApp() {
  const usePostgres = process.env.BENCH_DB === 'postgres';
  process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-'));
  process.env.LOG_LEVEL = 'silent';
  process.env.EMAIL_WORKER = 'false';
  process.env.NODE_ENV = 'test';
  process.env.ADDRESS_HEADER = 'x-forwarded-for';
  process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
  let dropDatabase = async () => {};
  let databaseName: string | undefined;
  if (usePostgres) {
    const { createTestDatabase } = await import('../tests/support/postgres');
    const created = await createTestDatabase('sheaf_bench');
    process.env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
    databaseName = created.name;
  } else delete process.env.DATABASE_URL;
  delete process.env.POSTMARK_SERVER_TOKEN;
  buildIfStale({ quiet: true });
  const { openDatabase } = await import('../src/lib/server/db/client');
  const { migrateDatabase } = await import('../src/lib/server/db/migrate');
  const handle = await openDatabase(
    usePostgres ? { databaseUrl: process.env.DATABASE_URL, poolMax: 10 } : { dataDir: 'memory://' }
  );
  await migrateDatabase(handle);
  let queries = 0;
  if (usePostgres) {
    // postgres.js: drizzle and the session check both send their statements through unsafe().
    const client = (handle.db as unknown as { $client: Record<string, unknown> }).$client;
    const unsafe = client.unsafe as (...a: unknown[]) => unknown;
    client.unsafe = (...args: unknown[]) => {
      queries++;
      return unsafe(...args);
    };
  } else {
    // Every statement the app sends to PGlite's thread (transactions' statements included).
    const client = (handle.db as unknown as { $client: Record<string, unknown> }).$client;
    const count = (target: Record<string, unknown>, names: string[]) => {
      for (const name of names) {
        const fn = target[name] as (...a: unknown[]) => unknown;
        target[name] = (...args: unknown[]) => {
          queries++;
          return fn(...args);
        };
      }
    };
    count(client, ['query', 'exec', 'textStatement']);
    const transaction = client.transaction as (fn: (tx: unknown) => unknown) => unknown;
    client.transaction = (fn: (tx: unknown) => unknown) =>
      transaction((tx) => {
        count(tx as Record<string, unknown>, ['query', 'exec']);
        return fn(tx);
      });
  }
  const file = pathToFileURL(path.resolve('build/handler.js')).href;
  const { handler } = (await import(/* @vite-ignore */ file)) as {
    handler: http.RequestListener;
  };
  const server = http.createServer(handler);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    db: handle.db,
    driver: handle.driver,
    /** PostgreSQL: the fresh database's name. */
    databaseName,
    /** Statements run so far (on PostgreSQL, those sent outside transactions). */
    queryCount: () => queries,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.close();
      await dropDatabase();
    }
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
