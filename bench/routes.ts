// Where a signed-in client's request goes, route by route: SQL statements and CPU time of this
// process (the built app, served in-process, plus the fetch that asks) per request, for each
// request bench/load.ts makes. Sequential requests, so the figures hold on a busy machine better
// than a rate does. Informational: no target (bench/load.ts and bench/session.ts have them).
//   npx tsx bench/routes.ts            (BENCH_DB=pglite for PGlite; ROUTE_REQUESTS=300;
//                                       ROUTE_SQL=1 prints each route's statements, PostgreSQL)
import { getConfig } from '../src/lib/server/config';
import { startInProcessApp } from './in-process-app';
import { BackendCpu } from './support/cpu';

process.env.BENCH_DB ??= 'postgres';
const N = Number(process.env.ROUTE_REQUESTS ?? 300);
const app = await startInProcessApp();
// Imported once the app has set DATA_DIR: the seed stores its statements in the app's blob store.
const { seedLoadClients } = await import('./support/load-seed');
const { LOCALE_COOKIE } = await import('../src/lib/server/i18n/locale-cookie');

// One contact of the clients bench/load.ts visits.
const db = app.db;
const [{ token, packets }] = await seedLoadClients(db, 1);
const cookie = `${getConfig().sessionCookie}=${token}; ${LOCALE_COOKIE}=en`;
const [p] = packets;
const routes: [string, string, Record<string, string>, number][] = [
  ['/api/healthz (no session)', '/api/healthz', {}, 200],
  ['/p', '/p', { cookie }, 200],
  ['/p/[id]', `/p/${p.id}`, { cookie }, 200],
  ['viewer page', `/p/${p.id}/d/${p.docs[1]}`, { cookie }, 200],
  ['page-1 picture', `/api/files/${p.docs[1]}/page-1/800`, { cookie }, 200],
  ['PDF whole (24 pages)', `/api/files/${p.docs[1]}`, { cookie }, 200],
  ['PDF Range 64 KB', `/api/files/${p.docs[1]}`, { cookie, range: 'bytes=0-65535' }, 206]
];
// PostgreSQL's side of each request: the CPU of the backends serving the app's database.
const backends = app.databaseName ? new BackendCpu(app.databaseName) : undefined;
const headers = { 'x-forwarded-for': '10.0.0.1', accept: 'text/html' };
console.log(`${app.driver}: ${N} sequential requests per route (after ${N / 10} to warm up)`);
console.log(`${'route'.padEnd(28)} statements  CPU µs/req  PG µs/req  bytes`);
for (const [label, path, h, expect] of routes) {
  const get = async () => {
    const r = await fetch(app.base + path, { headers: { ...headers, ...h }, redirect: 'manual' });
    const body = await r.arrayBuffer();
    if (r.status !== expect) throw new Error(`${label}: ${r.status}`);
    return body.byteLength;
  };
  for (let i = 0; i < N / 10; i++) await get();
  if (process.env.ROUTE_SQL && app.driver === 'postgres') {
    const client = (db as unknown as { $client: { unsafe: (...a: unknown[]) => unknown } }).$client;
    const unsafe = client.unsafe;
    const seen: string[] = [];
    client.unsafe = (...args: unknown[]) => {
      seen.push(String(args[0]).replace(/\s+/g, ' ').slice(0, 240));
      return unsafe(...args);
    };
    await get();
    client.unsafe = unsafe;
    console.log(`${label}:\n${seen.map((q) => `    ${q}`).join('\n')}`);
  }
  const q = app.queryCount();
  const pgFrom = await backends?.mark();
  const cpu = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < N; i++) bytes = await get();
  const used = process.cpuUsage(cpu);
  const pgTo = await backends?.mark();
  const pg = pgFrom && pgTo ? (BackendCpu.spent(pgFrom, pgTo) * 1000) / N : NaN;
  const statements = (app.queryCount() - q) / N;
  const micros = (used.user + used.system) / N;
  console.log(
    `${label.padEnd(28)} ${statements.toFixed(1).padStart(10)}  ${micros.toFixed(0).padStart(10)}  ${pg.toFixed(0).padStart(9)}  ${bytes}`
  );
  console.log(
    `summary: ${label}: ${statements.toFixed(1)} statements, ${micros.toFixed(0)} µs CPU` +
      (backends ? `, PostgreSQL ${pg.toFixed(0)} µs` : '')
  );
}
await backends?.end();
await app.close();
process.exit(0);
