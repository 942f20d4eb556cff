// `npx tsx bench/email.ts`: enqueue 1,000 messages (with enqueueEmails, the writer a publish
// uses) and deliver them through the outbox worker to a local Postmark stub. Baseline, measured
// in the same run: the bare Postmark client posting the same messages, with the same fields, to
// the same stub (no database). Target: enqueue + deliver at most 3x the bare client. In-memory
// PGlite by default; BENCH_POSTGRES=1 uses a fresh database on the test PostgreSQL server
// (dropped afterwards).
//
// Both sides are timed warm, in alternating rounds, and compared by their medians. The first
// call of a process pays for Node's fetch machinery and a new connection (several times a warm
// call); until December 2026 that first call was the baseline, while the outbox, timed after
// it, rode on the warm connection. That first call is still printed, for comparison.
import { performance } from 'node:perf_hooks';
import type { Models } from 'postmark';
import { closeDatabase, openDatabase } from '../src/lib/server/db/client';
import { migrateDatabase } from '../src/lib/server/db/migrate';
import { outbox } from '../src/lib/server/db/schema';
import { enqueueEmail, enqueueEmails, type EmailMessage } from '../src/lib/server/email/outbox';
import { createPostmarkClient, createPostmarkTransport } from '../src/lib/server/email/postmark';
import { createEmailWorker } from '../src/lib/server/email/worker';
import { startPostmarkStub } from '../tests/support/postmark-stub';
import { createTestDatabase } from '../tests/support/postgres';

const COUNT = 1000;
const ROUNDS = 5;
const TARGET_RATIO = 3;

const messages: EmailMessage[] = Array.from({ length: COUNT }, (_, i) => ({
  kind: 'packet',
  to: `client-${i}@example.test`,
  subject: 'Your Q3 2026 review is ready',
  html: `<p>Hello ${i}, your documents are ready.</p>`.repeat(20),
  text: `Hello ${i}, your documents are ready.`.repeat(20),
  replyTo: 'office@smith.test',
  metadata: { packet_id: 'bench', delivery_id: String(i) }
}));

const stub = await startPostmarkStub();
const options = {
  token: stub.token,
  apiUrl: stub.url,
  defaultFrom: 'Smith & Co <mail@smith.test>'
};
const scratch = process.env.BENCH_POSTGRES === '1' ? await createTestDatabase('sheaf_bench') : null;
const handle = await openDatabase(
  scratch ? { databaseUrl: scratch.url } : { dataDir: 'memory://' }
);
await migrateDatabase(handle);

// Baseline: the Postmark client alone, batches of 500, no database. The fields are the ones
// the outbox's transport sends (its Metadata carries an outbox_id besides).
const client = createPostmarkClient(options);
const postmarkMessages = messages.map((m) => ({
  From: options.defaultFrom,
  To: m.to,
  ReplyTo: m.replyTo ?? undefined,
  Subject: m.subject,
  HtmlBody: m.html,
  TextBody: m.text,
  Tag: m.kind,
  Metadata: m.metadata,
  MessageStream: 'outbound',
  TrackOpens: false,
  TrackLinks: 'None' as Models.LinkTrackingOptions
}));
async function sendBare(): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < COUNT; i += 500)
    await client.sendEmailBatch(postmarkMessages.slice(i, i + 500));
  return performance.now() - t;
}

/** Enqueues the messages in one transaction and drains the outbox; checks the stub got each once. */
async function sendThroughOutbox(): Promise<{ enqueueMs: number; totalMs: number; calls: number }> {
  await handle.db.delete(outbox);
  stub.calls.length = 0;
  stub.accepted.length = 0;
  const t = performance.now();
  await handle.db.transaction((tx) => enqueueEmails(tx, messages));
  const enqueueMs = performance.now() - t;
  const worker = createEmailWorker(handle.db, { transport: createPostmarkTransport(options) });
  const result = await worker.drain();
  const totalMs = performance.now() - t;
  const unique = new Set(stub.accepted.map((m) => m.To)).size;
  if (result.sent !== COUNT || unique !== COUNT || stub.accepted.length !== COUNT) {
    throw new Error(`delivered ${result.sent}, ${unique} unique recipients at the stub`);
  }
  return { enqueueMs, totalMs, calls: stub.batchCalls().length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;
const rate = (x: number) => Math.round(COUNT / (x / 1000)).toLocaleString('en');
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');

/** Runs the bench and prints its figures; true when every round delivered and the target is met. */
async function measure(): Promise<boolean> {
  const coldMs = await sendBare();

  // For reference: one enqueueEmail per message (how a service writes one mail at a time).
  const t = performance.now();
  await handle.db.transaction(async (tx) => {
    for (const m of messages) await enqueueEmail(tx, m);
  });
  const oneByOneMs = performance.now() - t;

  // One untimed round of each side, then alternating timed rounds.
  await sendBare();
  await sendThroughOutbox();
  const bare: number[] = [];
  const enqueue: number[] = [];
  const total: number[] = [];
  let calls = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await sendBare());
    const r = await sendThroughOutbox();
    enqueue.push(r.enqueueMs);
    total.push(r.totalMs);
    calls = r.calls;
  }

  const baselineMs = median(bare);
  const totalMs = median(total);
  const ratio = totalMs / baselineMs;
  const met = ratio <= TARGET_RATIO;
  console.log(
    `email outbox bench (${handle.driver}, ${COUNT} messages, medians of ${ROUNDS} rounds)`
  );
  console.log(`  first call, cold client:  ${ms(coldMs)} (reference)`);
  console.log(`  enqueue one by one:       ${ms(oneByOneMs)} (reference)`);
  console.log(
    `  baseline, bare client:    ${ms(baselineMs)}  ${rate(baselineMs)} msg/s  (${list(bare)})`
  );
  console.log(`  enqueue (enqueueEmails):  ${ms(median(enqueue))}  (${list(enqueue)})`);
  console.log(
    `  enqueue + deliver:        ${ms(totalMs)}  ${rate(totalMs)} msg/s  (${list(total)})`
  );
  console.log(`  each round: ${COUNT} delivered, each recipient once, ${calls} batch calls`);
  console.log(
    `  ratio to baseline: ${ratio.toFixed(1)}x; target <= ${TARGET_RATIO}x: ${met ? 'met' : 'MISSED'}` +
      ` (to the cold first call: ${(totalMs / coldMs).toFixed(1)}x)`
  );
  console.log(
    `summary: email ${COUNT} messages (${handle.driver}): enqueue + deliver ${ms(totalMs)}, ${ratio.toFixed(1)}x the bare client's ${ms(baselineMs)} (target <= ${TARGET_RATIO}x${met ? '' : ', MISSED'}); medians of ${ROUNDS} warm rounds`
  );
  return met;
}

let ok = false;
try {
  ok = await measure();
} catch (error) {
  console.error(`email bench failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stub.close();
  await closeDatabase();
  await scratch?.drop();
}
// bench/run-all.ts judges a bench by its exit code: a missed target is a failed bench.
process.exit(ok ? 0 : 1);
