// Median response time of POST /sign-in for addresses with access against addresses without,
// 200 requests each, interleaved; every request from its own IP so no limit interferes.
// Target: difference of the medians under 5 ms. Run: npx tsx bench/sign-in-timing.ts
import { median, startInProcessApp } from './in-process-app';

const app = await startInProcessApp();
const { firm, membership, user } = await import('../src/lib/server/db/schema');
const N = Number(process.env.BENCH_REQUESTS ?? 200);
const [f] = await app.db.insert(firm).values({ name: 'Bench & Co', slug: 'bench-co' }).returning();
const known = await app.db
  .insert(user)
  .values(
    Array.from({ length: N + 10 }, (_, i) => ({ email: `known${i}@bench.example`, name: 'K' }))
  )
  .returning();
await app.db
  .insert(membership)
  .values(known.map((k) => ({ firmId: f.id, userId: k.id, role: 'staff' as const })));

let ip = 0;
async function ask(email: string): Promise<number> {
  ip++;
  const started = performance.now();
  const r = await fetch(`${app.base}/sign-in`, {
    method: 'POST',
    headers: {
      origin: app.base,
      'x-forwarded-proto': 'http',
      'x-forwarded-for': `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams({ email })
  });
  await r.text();
  if (r.status !== 200) throw new Error(`status ${r.status} for ${email}`);
  return performance.now() - started;
}

for (let i = 0; i < 10; i++) {
  await ask(`known${N + i}@bench.example`);
  await ask(`warm${i}@nobody.example`);
}
const knownTimes: number[] = [];
const unknownTimes: number[] = [];
for (let i = 0; i < N; i++) {
  knownTimes.push(await ask(`known${i}@bench.example`));
  unknownTimes.push(await ask(`ghost${i}@nobody.example`));
}
const diff = Math.abs(median(knownTimes) - median(unknownTimes));
console.log(`${N} requests each, interleaved`);
console.log(`median known:   ${median(knownTimes).toFixed(2)} ms`);
console.log(`median unknown: ${median(unknownTimes).toFixed(2)} ms`);
console.log(`difference of medians: ${diff.toFixed(2)} ms (target < 5 ms)`);
console.log(
  `summary: sign-in known vs unknown address (${app.driver}): medians ${median(knownTimes).toFixed(2)} / ${median(unknownTimes).toFixed(2)} ms, difference ${diff.toFixed(2)} ms (target < 5)`
);
await app.close();
process.exit(diff < 5 ? 0 : 1);
