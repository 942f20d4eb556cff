// Requests per second of an authenticated page against the same page without the session
// hook's work (no cookie: the hook returns at once), in one run; and SQL statements per
// authenticated request (target: exactly one — the session joined to its user).
// Run: npx tsx bench/session.ts
import { startInProcessApp } from './in-process-app';

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
const headers = (cookie: boolean) => ({
  'x-forwarded-for': '10.0.0.1',
  accept: 'text/html',
  ...(cookie ? { cookie: `sheaf_session=${token}` } : {})
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
const perRequest = before === null || after === null ? null : (after - before) / 500;
// Interleave rounds so drift (GC, JIT) affects both sides alike.
const withHook: number[] = [];
const without: number[] = [];
for (let round = 0; round < 4; round++) {
  without.push(await run(false, N / 4));
  withHook.push(await run(true, N / 4));
}
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = avg(withHook) / avg(without);
console.log(`${app.driver}: page ${PAGE}, ${N} requests each side, concurrency ${CONCURRENCY}`);
console.log(`without session hook: ${avg(without).toFixed(0)} req/s`);
console.log(`with a valid session: ${avg(withHook).toFixed(0)} req/s`);
console.log(`ratio: ${ratio.toFixed(2)} (target >= 0.8)`);
if (perRequest !== null) {
  console.log(`SQL statements per authenticated request: ${perRequest} (target exactly 1)`);
}
await app.close();
process.exit(ratio >= 0.8 && (perRequest ?? 1) === 1 ? 0 : 1);
