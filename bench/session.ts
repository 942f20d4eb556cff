// Requests per second of an authenticated page against the same page without the session
// hook's work (no cookie: the hook returns at once), in one run; and SQL statements per
// authenticated request (target: at most one — the session joined to its user; the checks of
// requests that arrive together share one statement, db/session-row.ts).
// Run: npx tsx bench/session.ts (both databases, each in its own process; BENCH_DB=pglite or
// BENCH_DB=postgres runs one).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getConfig } from '../src/lib/server/config';
import { LOCALE_COOKIE } from '../src/lib/server/i18n/locale-cookie';
import { startInProcessApp } from './in-process-app';
import { postgresAvailable } from '../tests/support/postgres';

if (!process.env.BENCH_DB) {
  // One process per database: the built app keeps one database handle per process.
  let failed = 0;
  for (const db of ['pglite', 'postgres']) {
    if (db === 'postgres' && !(await postgresAvailable())) {
      console.log('summary: session hook on postgres skipped (no PostgreSQL server)');
      continue;
    }
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url)],
      {
        stdio: 'inherit',
        env: { ...process.env, BENCH_DB: db }
      }
    );
    if (child.status !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}

const app = await startInProcessApp();
const { createSession } = await import('../src/lib/server/auth/session');
const { user } = await import('../src/lib/server/db/schema');
const [u] = await app.db
  .insert(user)
  .values({ email: 'bench@example.test', name: 'Bench' })
  .returning();
const { token } = await createSession(app.db, u.id, 'client', {});

const PAGE = '/';
const N = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = 8;
// Both sides send the language cookie a browser keeps from its first page (a fetch keeps no
// cookies; without it every signed-in page would set it again).
const headers = (cookie: boolean) => ({
  'x-forwarded-for': '10.0.0.1',
  accept: 'text/html',
  cookie: [
    `${LOCALE_COOKIE}=en`,
    ...(cookie ? [`${getConfig().sessionCookie}=${token}`] : [])
  ].join('; ')
});

async function run(cookie: boolean, n: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) {
        const r = await fetch(app.base + PAGE, { headers: headers(cookie) });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`status ${r.status}`);
      }
    })
  );
  return n / ((performance.now() - started) / 1000);
}

await run(true, 300);
await run(false, 300);
const before = app.queryCount();
await run(true, 500);
const after = app.queryCount();
const perRequest = (after - before) / 500;
// Many short rounds, alternating which side goes first, so drift (GC, JIT, the other core's
// load) falls on both sides alike; each side's rate is its requests over its own total time.
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const withHook: number[] = [];
const without: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [true, false] : [false, true];
  for (const cookie of order) (cookie ? withHook : without).push(await run(cookie, N / ROUNDS));
}
// Harmonic mean of per-round rates = total requests / total time.
const avg = (xs: number[]) => xs.length / xs.reduce((a, b) => a + 1 / b, 0);
const ratio = avg(withHook) / avg(without);
console.log(`${app.driver}: page ${PAGE}, ${N} requests each side, concurrency ${CONCURRENCY}`);
console.log(`without session hook: ${avg(without).toFixed(0)} req/s`);
console.log(`with a valid session: ${avg(withHook).toFixed(0)} req/s`);
console.log(`ratio: ${ratio.toFixed(2)} (target >= 0.9)`);
console.log(
  `summary: session hook on ${app.driver}: ${ratio.toFixed(2)}x the req/s without it (target >= 0.9)` +
    `, ${perRequest} SQL statement per request (target <= 1)`
);
console.log(`SQL statements per authenticated request: ${perRequest} (target at most 1)`);
await app.close();
process.exit(ratio >= 0.9 && perRequest > 0 && perRequest <= 1 ? 0 : 1);
