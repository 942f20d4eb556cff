// Publishes one packet to a client with 1,000 contacts and prints the time to commit and the
// time until every mail reached a local Postmark stub (the real worker and Postmark client),
// against a baseline of 10 contacts in the same run.
// Uses DATABASE_URL when set (PostgreSQL), otherwise a throw-away PGlite directory.
//   npx tsx bench/publish.ts [contacts=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { openDatabase, closeDatabase } from '../src/lib/server/db/client';
import { migrateDatabase } from '../src/lib/server/db/migrate';
import * as s from '../src/lib/server/db/schema';
import { publishPacket } from '../src/lib/server/packets/publish';
import { createPostmarkTransport } from '../src/lib/server/email/postmark';
import { createEmailWorker } from '../src/lib/server/email/worker';
import { startPostmarkStub } from '../tests/support/postmark-stub';
import { addPacketDocument } from '../src/lib/server/packets/documents';
import { ensurePreviews } from '../src/lib/server/pdf/preview';

const N = Number(process.argv[2] ?? 1000);
const BASE = 10;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-'));
process.env.DATA_DIR = dataDir;
process.env.LOG_LEVEL = 'silent';
const databaseUrl = process.env.DATABASE_URL || undefined;
const handle = await openDatabase(
  databaseUrl ? { databaseUrl, poolMax: 5 } : { dataDir: path.join(dataDir, 'db') }
);
await migrateDatabase(handle);
const db = handle.db;

async function world(contacts: number) {
  const tag = Math.random().toString(36).slice(2, 8);
  const [firm] = await db
    .insert(s.firm)
    .values({ name: `Bench ${tag}`, slug: `bench-${tag}`, replyTo: 'office@bench.test' })
    .returning();
  const [staff] = await db
    .insert(s.user)
    .values({ email: `staff-${tag}@bench.test` })
    .returning();
  const [client] = await db
    .insert(s.client)
    .values({ firmId: firm.id, name: 'Big Co', code: `BIG-${tag}` })
    .returning();
  for (let i = 0; i < contacts; i += 500) {
    const users = await db
      .insert(s.user)
      .values(
        Array.from({ length: Math.min(500, contacts - i) }, (_, j) => ({
          email: `c${i + j}-${tag}@bench.test`,
          name: `Contact ${i + j}`
        }))
      )
      .returning({ id: s.user.id });
    await db
      .insert(s.clientContact)
      .values(users.map((u) => ({ firmId: firm.id, clientId: client.id, userId: u.id })));
  }
  const [packet] = await db
    .insert(s.packet)
    .values({ firmId: firm.id, clientId: client.id, title: 'Review', period: '2026-Q3' })
    .returning();
  const pdf = await PDFDocument.create();
  pdf.addPage();
  const added = await addPacketDocument(db, {
    packet,
    filename: 'statements.pdf',
    bytes: await pdf.save(),
    maxBytes: 50 * 1024 * 1024,
    actorId: staff.id
  });
  // The upload draws page 1's pictures in the background; by the time staff press Publish they
  // are done, so they are not timed with it here.
  if (added.ok) await ensurePreviews(added.document.blobKey);
  return { firm, staff, packet };
}

// The real outbox worker sending through the real Postmark client to a local stub of its API.
const stub = await startPostmarkStub();
const worker = createEmailWorker(db, {
  transport: createPostmarkTransport({
    token: stub.token,
    apiUrl: stub.url,
    messageStream: 'outbound',
    defaultFrom: 'Sheaf <bench@sheaf.test>'
  })
});

/** Sends every queued mail; returns how many of this run's addresses the stub accepted. */
async function drain(tag: string): Promise<number> {
  await worker.drain();
  return stub.accepted.filter((m) => m.To.endsWith(`-${tag}@bench.test`)).length;
}

async function run(contacts: number) {
  const { firm, staff, packet } = await world(contacts);
  const t0 = performance.now();
  const result = await publishPacket(db, firm, packet.id, staff.id);
  const commitMs = performance.now() - t0;
  const mailed = await drain(firm.slug.replace('bench-', ''));
  const allMailMs = performance.now() - t0;
  if (result.deliveries !== contacts || mailed !== contacts) {
    throw new Error(
      `expected ${contacts} deliveries and mails, got ${result.deliveries}/${mailed}`
    );
  }
  return { contacts, commitMs, allMailMs };
}

await run(BASE); // warm-up (JIT, prepared paths)
const base = await run(BASE);
const big = await run(N);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const perContact = (ms: number, n: number) => `${(ms / n).toFixed(2)} ms/contact`;
console.log(`publish bench (${handle.driver})`);
console.log(
  `baseline ${BASE} contacts: commit ${fmt(base.commitMs)} (${perContact(base.commitMs, BASE)}), all mail at the stub ${fmt(base.allMailMs)}`
);
console.log(
  `${N} contacts: commit ${fmt(big.commitMs)} (${perContact(big.commitMs, N)}), all mail at the stub ${fmt(big.allMailMs)}`
);
console.log(
  `per-contact cost vs baseline: commit ×${(big.commitMs / N / (base.commitMs / BASE)).toFixed(2)}, all mail ×${(big.allMailMs / N / (base.allMailMs / BASE)).toFixed(2)}`
);
const commitMet = big.commitMs < 1000;
const mailMet = big.allMailMs < 3000;
console.log(
  `targets: commit < 1000 ms ${commitMet ? 'met' : 'MISSED'}; all mail < 3000 ms ${mailMet ? 'met' : 'MISSED'}`
);
console.log(
  `summary: publish ${N} contacts (${handle.driver}): commit ${fmt(big.commitMs)}, all mail at the Postmark stub ${fmt(big.allMailMs)} (targets 1000 / 3000 ms); per contact ×${(big.commitMs / N / (base.commitMs / BASE)).toFixed(2)} of the ${BASE}-contact baseline`
);
await stub.close();
await closeDatabase();
rmSync(dataDir, { recursive: true, force: true });
// bench/run-all.ts judges a bench by its exit code: a missed target is a failed bench.
if (!commitMet || !mailMet) {
  const missed = [
    commitMet ? null : `commit ${fmt(big.commitMs)} (target 1000 ms)`,
    mailMet ? null : `all mail ${fmt(big.allMailMs)} (target 3000 ms)`
  ].filter(Boolean);
  console.error(`TargetMissedError: publish ${N} contacts: ${missed.join('; ')}`);
}
process.exit(commitMet && mailMet ? 0 : 1);
