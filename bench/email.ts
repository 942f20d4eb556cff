// `npx tsx bench/email.ts`: enqueue 1,000 messages (with enqueueEmails, the writer a publish
// uses) and deliver them through the outbox worker to a local Postmark stub. Baseline, measured
// in the same run: the bare Postmark client posting the same messages (no database). In-memory
// PGlite by default; BENCH_POSTGRES=1 uses a fresh database on the test PostgreSQL server
// (dropped afterwards).
import { performance } from 'node:perf_hooks';
import { closeDatabase, openDatabase } from '../src/lib/server/db/client';
import { migrateDatabase } from '../src/lib/server/db/migrate';
import { outbox } from '../src/lib/server/db/schema';
import { enqueueEmail, enqueueEmails, type EmailMessage } from '../src/lib/server/email/outbox';
import { createPostmarkClient, createPostmarkTransport } from '../src/lib/server/email/postmark';
import { createEmailWorker } from '../src/lib/server/email/worker';
import { startPostmarkStub } from '../tests/support/postmark-stub';
import { createTestDatabase } from '../tests/support/postgres';

const COUNT = 1000;
const TARGET_MS = 2000;

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

// Baseline: the Postmark client alone, batches of 500, no database.
const client = createPostmarkClient(options);
const postmarkMessages = messages.map((m) => ({
  From: options.defaultFrom,
  To: m.to,
  Subject: m.subject,
  HtmlBody: m.html,
  TextBody: m.text
}));
let t = performance.now();
for (let i = 0; i < COUNT; i += 500)
  await client.sendEmailBatch(postmarkMessages.slice(i, i + 500));
const baselineMs = performance.now() - t;
const baselineCalls = stub.calls.length;

// For reference: one enqueueEmail per message (how a service writes one mail at a time).
t = performance.now();
await handle.db.transaction(async (tx) => {
  for (const m of messages) await enqueueEmail(tx, m);
});
const oneByOneMs = performance.now() - t;
await handle.db.delete(outbox);

// The outbox: enqueue in one transaction, then drain with the worker.
stub.calls.length = 0;
stub.accepted.length = 0;
t = performance.now();
await handle.db.transaction((tx) => enqueueEmails(tx, messages));
const enqueueMs = performance.now() - t;
const worker = createEmailWorker(handle.db, { transport: createPostmarkTransport(options) });
const result = await worker.drain();
const totalMs = performance.now() - t;
const unique = new Set(stub.accepted.map((m) => m.To)).size;

const rate = (ms: number) => Math.round(COUNT / (ms / 1000)).toLocaleString('en');
console.log(`email outbox bench (${handle.driver}, ${COUNT} messages)`);
console.log(
  `  baseline, bare client:   ${baselineMs.toFixed(0)} ms  ${rate(baselineMs)} msg/s  ${baselineCalls} batch calls`
);
console.log(`  enqueue one by one:      ${oneByOneMs.toFixed(0)} ms (reference)`);
console.log(`  enqueue (enqueueEmails): ${enqueueMs.toFixed(0)} ms`);
console.log(
  `  enqueue + deliver:       ${totalMs.toFixed(0)} ms  ${rate(totalMs)} msg/s  ${stub.batchCalls().length} batch calls`
);
console.log(`  delivered ${result.sent}, unique recipients at the stub ${unique}`);
console.log(
  `  ratio to baseline: ${(totalMs / baselineMs).toFixed(1)}x; target < ${TARGET_MS} ms: ${totalMs < TARGET_MS ? 'met' : 'MISSED'}`
);

console.log(
  `summary: email ${COUNT} messages (${handle.driver}): enqueue + deliver ${totalMs.toFixed(0)} ms (target < ${TARGET_MS}), ${(totalMs / baselineMs).toFixed(1)}x the bare client, ${unique} unique recipients`
);

await stub.close();
await closeDatabase();
await scratch?.drop();
process.exit(result.sent === COUNT && unique === COUNT ? 0 : 1);
