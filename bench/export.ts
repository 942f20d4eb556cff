// `npx tsx bench/export.ts [events=100000]`: exports a firm's audit log of 100,000 events as CSV
// through the route's own streaming code (auditCsvStream: keyset pages of 1,000 feeding a
// ReadableStream), and, in the same run, the baseline: the same rows fetched with one plain
// select and written as bare comma-joined lines. Prints time and peak heap growth of both
// (sampled each chunk; and, in a run of its own, with garbage collected, what stays alive), and
// their ratios. In-memory PGlite by default; BENCH_POSTGRES=1 uses a fresh
// database on the test PostgreSQL server (dropped afterwards).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { and, eq, gte, sql } from 'drizzle-orm';
import { auditCsvStream } from '../src/lib/server/audit-log/export';
import { closeDatabase, openDatabase } from '../src/lib/server/db/client';
import { migrateDatabase } from '../src/lib/server/db/migrate';
import * as s from '../src/lib/server/db/schema';
import { createTestDatabase } from '../tests/support/postgres';

const N = Number(process.argv[2] ?? 100_000);
// Targets: the streamed export at most 3x the bare query's time, and the heap it keeps alive
// bounded: under 16 MB and under a quarter of the bare query's, which holds every row at once.
const TIME_RATIO_TARGET = 3;
const HEAP_TARGET_MB = 16;
const MB = 1024 * 1024;

process.env.LOG_LEVEL = 'silent';
const scratch = process.env.BENCH_POSTGRES === '1' ? await createTestDatabase('sheaf_bench') : null;
const handle = await openDatabase(
  scratch ? { databaseUrl: scratch.url } : { dataDir: 'memory://' }
);
await migrateDatabase(handle);
const db = handle.db;

const tag = Math.random().toString(36).slice(2, 8);
const [firm] = await db
  .insert(s.firm)
  .values({ name: `Bench ${tag}`, slug: `bench-${tag}`, timeZone: 'Europe/London' })
  .returning();
const [staff] = await db
  .insert(s.user)
  .values({ email: `staff-${tag}@bench.test`, name: 'Sam Staff' })
  .returning();
await db.insert(s.membership).values({ firmId: firm.id, userId: staff.id, role: 'owner' });
const [person] = await db
  .insert(s.user)
  .values({ email: `ada-${tag}@bench.test`, name: 'Ada' })
  .returning();
const [client] = await db
  .insert(s.client)
  .values({ firmId: firm.id, name: 'Harbour Bakery Ltd', code: `HB-${tag}` })
  .returning();
const [contact] = await db
  .insert(s.clientContact)
  .values({ firmId: firm.id, clientId: client.id, userId: person.id, name: 'Ada Approver' })
  .returning();
const [packet] = await db
  .insert(s.packet)
  .values({ firmId: firm.id, clientId: client.id, title: 'Quarterly review', period: '2026-Q3' })
  .returning();

const t = performance.now();
// A mix like a real log: contacts viewing and approving, staff publishing, Sheaf mailing.
await db.execute(sql`
  insert into audit_event (firm_id, actor_id, action, subject, ip, ua, data, at)
  select ${firm.id}::uuid,
    case when g % 4 = 3 then null when g % 4 = 2 then ${staff.id}::uuid else ${person.id}::uuid end,
    (array['document.viewed', 'packet.approved', 'packet.published', 'email.delivered'])[g % 4 + 1],
    ${`packet:${packet.id}`},
    case when g % 4 < 2 then '203.0.113.' || (g % 250) end,
    case when g % 4 < 2 then 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' end,
    jsonb_build_object('version', 1 + g % 3, 'contactId', ${contact.id}::text,
      'documentId', md5(g::text), 'document', 'Bank statement ' || g, 'recipients', 1),
    timestamptz '2026-01-01T00:00:00Z' + g * interval '1 minute'
  from generate_series(1, ${N}) g`);
const seedMs = performance.now() - t;
const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2027-01-01T00:00:00Z');

// Each run starts from a collected heap: otherwise one run pays for collecting the garbage the
// run before left (the bare select's 100,000 rows), and its peak counts them too.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Runs fn while sampling heapUsed; returns ms, bytes written and peak growth. With `live`, each
 * sample collects garbage first, so the peak is what the export holds (slower: not timed).
 */
async function measure(fn: (sample: () => void) => Promise<number>, live = false) {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const sample = () => {
    if (live) gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  };
  const started = performance.now();
  const bytes = await fn(sample);
  sample();
  return { ms: performance.now() - started, bytes, peakMb: peak / MB };
}

async function streamed(sample: () => void) {
  const stream = auditCsvStream(db, { firmId: firm.id, from, to }, { timeZone: 'Europe/London' });
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.byteLength;
    sample();
  }
  return bytes;
}

async function bare(sample: () => void) {
  const rows = await db
    .select()
    .from(s.auditEvent)
    .where(and(eq(s.auditEvent.firmId, firm.id), gte(s.auditEvent.at, from)))
    .orderBy(s.auditEvent.at, s.auditEvent.id);
  sample();
  const encoder = new TextEncoder();
  let bytes = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    let chunk = '';
    for (const r of rows.slice(i, i + 1000)) {
      chunk += `${r.at.toISOString()},${r.action},${r.actorId ?? ''},${r.subject},${r.ip ?? ''},${r.ua ?? ''},${JSON.stringify(r.data)},${r.id}\r\n`;
    }
    bytes += encoder.encode(chunk).byteLength;
    sample();
  }
  return bytes;
}

// Warm-up (JIT, prepared paths), then streamed and bare alternately, median of 3 each, then
// one run of each measuring the heap that stays alive (garbage collected as it goes).
await streamed(() => {});
const runs: { s: Awaited<ReturnType<typeof measure>>; b: Awaited<ReturnType<typeof measure>> }[] =
  [];
for (let i = 0; i < 3; i++) runs.push({ s: await measure(streamed), b: await measure(bare) });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const liveStreamed = (await measure(streamed, true)).peakMb;
const liveBare = (await measure(bare, true)).peakMb;
const st = {
  ms: median(runs.map((r) => r.s.ms)),
  peakMb: median(runs.map((r) => r.s.peakMb)),
  bytes: runs[0].s.bytes
};
const ba = {
  ms: median(runs.map((r) => r.b.ms)),
  peakMb: median(runs.map((r) => r.b.peakMb)),
  bytes: runs[0].b.bytes
};
const timeRatio = st.ms / ba.ms;
const heapRatio = liveStreamed / liveBare;
const driver = handle.driver;
console.log(`export bench (${driver}): ${N} events seeded in ${seedMs.toFixed(0)} ms`);
console.log(
  `streamed CSV: ${st.ms.toFixed(0)} ms, ${(st.bytes / MB).toFixed(1)} MB; heap growth peak ${st.peakMb.toFixed(1)} MB sampled, ${liveStreamed.toFixed(1)} MB alive`
);
console.log(
  `bare select + join: ${ba.ms.toFixed(0)} ms, ${(ba.bytes / MB).toFixed(1)} MB; heap growth peak ${ba.peakMb.toFixed(1)} MB sampled, ${liveBare.toFixed(1)} MB alive`
);
const timeMet = timeRatio <= TIME_RATIO_TARGET;
const heapMet = liveStreamed < HEAP_TARGET_MB && heapRatio < 0.25;
console.log(
  `summary: export ${N} audit events (${driver}): streamed ${st.ms.toFixed(0)} ms vs bare ${ba.ms.toFixed(0)} ms = ${timeRatio.toFixed(2)}x (target <= ${TIME_RATIO_TARGET}); heap alive at peak ${liveStreamed.toFixed(1)} vs ${liveBare.toFixed(1)} MB = ${heapRatio.toFixed(2)}x (target < ${HEAP_TARGET_MB} MB and < 0.25x)`
);
await closeDatabase();
await scratch?.drop();
if (!timeMet || !heapMet) {
  console.error(
    `TargetMissedError: export: time ${timeRatio.toFixed(2)}x (target ${TIME_RATIO_TARGET}), heap alive ${liveStreamed.toFixed(1)} MB / ${heapRatio.toFixed(2)}x`
  );
}
process.exit(timeMet && heapMet ? 0 : 1);
