// Postmark out of reach for most of a day, on a simulated clock: instead of waiting, each step
// moves every outbox timestamp back by the time until the next retry is due (the same as the
// clock moving forward). All mail goes out once Postmark is back, and none of it twice.
// Both drivers. The worker killed with SIGKILL mid-drain is tests/integration/email-crash.test.ts.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { enqueueEmail } from '../../../src/lib/server/email/outbox';
import { createPostmarkTransport } from '../../../src/lib/server/email/postmark';
import { createEmailWorker } from '../../../src/lib/server/email/worker';
import { unique } from '../../support/factories';
import { startPostmarkStub, type PostmarkStub } from '../../support/postmark-stub';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';

let scratch: ScratchDatabase;
let db: Db;
beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.handle.db;
}, 180_000);
afterAll(async () => {
  await scratch?.close();
});

const worker = (stub: PostmarkStub) =>
  createEmailWorker(db, {
    transport: createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      messageStream: 'outbound',
      defaultFrom: 'Smith & Co <mail@smith.test>',
      timeoutSeconds: 2
    })
  });

async function enqueue(addresses: string[]) {
  await db.transaction(async (tx) => {
    for (const to of addresses) {
      await enqueueEmail(tx, {
        kind: 'packet',
        to,
        subject: 'Your Q3 review is ready',
        html: '<p>Hello</p>',
        text: 'Hello'
      });
    }
  });
}

/** Moves the clock forward to the next due retry (or until every retry is due); returns ms. */
async function advanceToNextRetry(until: 'first' | 'all' = 'first'): Promise<number> {
  const edge = until === 'first' ? sql`min(${s.outbox.runAfter})` : sql`max(${s.outbox.runAfter})`;
  const [{ ms }] = await db
    .select({
      ms: sql<number>`coalesce(extract(epoch from ${edge} - now()) * 1000, 0)::float8`
    })
    .from(s.outbox)
    .where(eq(s.outbox.status, 'pending'));
  const step = Math.max(0, Math.ceil(Number(ms))) + 1000;
  const shift = sql.raw(`interval '${step} milliseconds'`);
  await db.update(s.outbox).set({
    createdAt: sql`${s.outbox.createdAt} - ${shift}`,
    runAfter: sql`${s.outbox.runAfter} - ${shift}`
  });
  return step;
}

describe('Postmark down for a long stretch', () => {
  it('sends everything once it is back (20 simulated hours later), nothing twice', async () => {
    expect(await db.select().from(s.outbox)).toHaveLength(0);
    const prefix = unique('down');
    const first = Array.from({ length: 40 }, (_, i) => `${prefix}-a${i}@example.test`);
    const later = Array.from({ length: 10 }, (_, i) => `${prefix}-b${i}@example.test`);
    await enqueue(first);

    // Down: first unreachable (connection refused), then answering 503 for hours.
    const gone = await startPostmarkStub();
    await gone.close();
    const failing = await startPostmarkStub();
    failing.answerAlways(503);
    let simulatedMs = 0;
    let attempts = 0;
    while (simulatedMs < 20 * 3600_000) {
      const result = await worker(simulatedMs < 2 * 3600_000 ? gone : failing).drain();
      expect(result.sent).toBe(0);
      expect(result.dead).toBe(0);
      attempts++;
      if (attempts === 5) await enqueue(later); // more mail queued during the outage
      simulatedMs += await advanceToNextRetry('all');
    }
    expect(failing.accepted).toHaveLength(0);
    expect(failing.calls.length).toBeGreaterThan(5);
    const waiting = await db.select().from(s.outbox);
    expect(waiting.every((r) => r.status === 'pending' && r.lastError)).toBe(true);
    await failing.close();

    // Back: each message goes out at its next retry (within the 1 h backoff ceiling), once.
    const up = await startPostmarkStub();
    let backMs = 0;
    let sent = 0;
    for (let round = 0; round < 60 && sent < 50; round++) {
      const result = await worker(up).drain();
      expect(result).toMatchObject({ dead: 0, failed: 0 });
      sent += result.sent;
      if (sent < 50) backMs += await advanceToNextRetry();
    }
    expect(sent).toBe(50);
    expect(backMs).toBeLessThanOrEqual(3600_000 * 1.2 + 60_000);
    expect([...first, ...later].every((a) => up.acceptedTo(a) === 1)).toBe(true);
    expect(up.accepted).toHaveLength(50);
    const after = await db.select().from(s.outbox);
    expect(after.every((r) => r.status === 'sent')).toBe(true);
    // Later runs find nothing more to send.
    await advanceToNextRetry();
    expect((await worker(up).drain()).claimed).toBe(0);
    expect(up.accepted).toHaveLength(50);
    console.log(
      `postmark down: ${attempts} retry rounds over ${(simulatedMs / 3600_000).toFixed(1)} simulated hours; 50 sent once each at the first retry after its return (${Math.round(backMs / 60_000)} simulated min later)`
    );
    await up.close();
  });
});
