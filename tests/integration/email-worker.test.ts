// The outbox worker against the Postmark stub, on a database of its own (both drivers).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import * as s from '../../src/lib/server/db/schema';
import { enqueueEmail, type EmailMessage } from '../../src/lib/server/email/outbox';
import { createPostmarkTransport } from '../../src/lib/server/email/postmark';
import { claimDueEmails } from '../../src/lib/server/email/outbox-claims';
import { recordOutcome } from '../../src/lib/server/email/outbox-results';
import { createEmailWorker, retryDelayMs } from '../../src/lib/server/email/worker';
import { recordPostmarkEvent } from '../../src/lib/server/email/webhook';
import type { Db } from '../../src/lib/server/db/client';
import { startPostmarkStub, type PostmarkStub } from '../support/postmark-stub';
import { openScratchDatabase, type ScratchDatabase } from '../support/scratch-db';
import {
  createClient,
  createContact,
  createFirm,
  createPacket,
  unique
} from '../support/factories';
import { selectOutbox } from '../support/outbox';

let scratch: ScratchDatabase;
let db: Db;
let stub: PostmarkStub;

beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.handle.db;
}, 180_000);
afterAll(async () => {
  await scratch?.close();
});
beforeEach(async () => {
  await stub?.close();
  stub = await startPostmarkStub();
  // Each test starts with an empty outbox of its own.
  await db.delete(s.delivery);
  await db.delete(s.outbox);
});

const message = (to: string, i = 0): EmailMessage => ({
  kind: 'packet',
  to,
  subject: `Your Q3 review is ready (${i})`,
  html: `<p>Hello ${i}</p>`,
  text: `Hello ${i}`,
  replyTo: 'office@smith.test',
  metadata: { packet_id: 'p1', delivery_id: `d${i}` }
});

async function enqueueMany(count: number, prefix = unique('to')): Promise<string[]> {
  const addresses = Array.from({ length: count }, (_, i) => `${prefix}-${i}@example.test`);
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) await enqueueEmail(tx, message(addresses[i], i));
  });
  return addresses;
}

function worker(
  options: {
    timeoutSeconds?: number;
    database?: Db;
    random?: () => number;
    staleLockMs?: number;
    pollMs?: number;
  } = {}
) {
  return createEmailWorker(options.database ?? db, {
    transport: createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      messageStream: 'outbound',
      defaultFrom: 'Smith & Co <mail@smith.test>',
      timeoutSeconds: options.timeoutSeconds ?? 5
    }),
    random: options.random,
    staleLockMs: options.staleLockMs,
    pollMs: options.pollMs
  });
}

const rows = () => selectOutbox(db).orderBy(s.outbox.id);
const POSTMARK = { name: 'postmark', deliversOnSend: false } as const;
const NONE = { sent: [], failed: [], retry: [], dead: [], released: [] };

describe('email worker with Postmark', () => {
  it('delivers 1,000 queued messages in 2 batch calls, each exactly once', async () => {
    const addresses = await enqueueMany(1000);
    const result = await worker().drain();
    expect(result).toMatchObject({ sent: 1000, failed: 0, retried: 0 });
    expect(stub.batchCalls().length).toBeLessThanOrEqual(3);
    expect(stub.calls.every((c) => c.path === '/email/batch' && c.token === stub.token)).toBe(true);
    expect(stub.accepted).toHaveLength(1000);
    expect(new Set(stub.accepted.map((m) => m.To))).toEqual(new Set(addresses));
    const after = await rows();
    expect(after.every((r) => r.status === 'sent' && r.transport === 'postmark')).toBe(true);
    expect(new Set(after.map((r) => r.providerMessageId))).toEqual(
      new Set(stub.accepted.map((m) => m.MessageID))
    );
    expect(after.every((r) => r.lockedBy === null && r.attempts === 1)).toBe(true);
    // A second run finds nothing to send.
    expect((await worker().drain()).claimed).toBe(0);
    expect(stub.accepted).toHaveLength(1000);
  });

  it('sends Postmark the fields it needs: no link tracking, tag, metadata, reply-to, stream', async () => {
    const [to] = await enqueueMany(1);
    await worker().drain();
    const [sent] = stub.accepted;
    const [row] = await rows();
    expect(sent).toMatchObject({
      To: to,
      From: 'Smith & Co <mail@smith.test>',
      ReplyTo: 'office@smith.test',
      Tag: 'packet',
      TrackLinks: 'None',
      MessageStream: 'outbound',
      Metadata: { packet_id: 'p1', delivery_id: 'd0', outbox_id: String(row.id) }
    });
  });

  it('retries after a 500 and delivers every message once', async () => {
    const addresses = await enqueueMany(20);
    stub.answerNext(500);
    const first = await worker().drain();
    expect(first).toMatchObject({ claimed: 20, retried: 20, sent: 0 });
    const waiting = await rows();
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
    expect(waiting[0].lastError).toContain('500');
    // Not due yet: nothing happens.
    expect((await worker().drain()).claimed).toBe(0);
    await db.update(s.outbox).set({ runAfter: sql`now() - interval '1 second'` });
    const second = await worker().drain();
    expect(second).toMatchObject({ sent: 20 });
    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
    expect(stub.calls.map((c) => c.answer)).toEqual([500, 'ok']);
  });

  it('honours backoff after a 429: run_after moves 30 s to 1 h ahead, doubling', async () => {
    await enqueueMany(3);
    stub.answerAlways(429);
    // run_after is the database's now() during the drain plus the delay: bracketed by the clock
    // before and after the drain, however long a busy machine took over it.
    const runs: { before: number; after: number; runAfter: number }[] = [];
    for (let attempt = 1; attempt <= 9; attempt++) {
      const before = Date.now();
      await worker({ random: () => 0.5 }).drain();
      const after = Date.now();
      const [row] = await rows();
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toContain('429');
      runs.push({ before, after, runAfter: row.runAfter.getTime() });
      await db.update(s.outbox).set({ runAfter: sql`now() - interval '1 second'` });
    }
    const delayAtLeast = (i: number, seconds: number) =>
      expect(runs[i].runAfter - runs[i].before).toBeGreaterThanOrEqual(seconds * 1000);
    const delayAtMost = (i: number, seconds: number) =>
      expect(runs[i].runAfter - runs[i].after).toBeLessThanOrEqual(seconds * 1000);
    delayAtLeast(0, 29);
    delayAtMost(0, 31);
    delayAtLeast(1, 59);
    delayAtLeast(8, 3598);
    delayAtMost(8, 3601);
    expect(stub.accepted).toHaveLength(0);
    // Jitter spreads retries between 80% and 120% of the step.
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 1)).toBe(36_000);
    expect(retryDelayMs(20, () => 1)).toBe(3_600_000);
  });

  it('gives up after 24 hours: the message is dead and its delivery failed', async () => {
    const firm = await createFirm(db);
    const client = await createClient(db, firm.id);
    const { contact } = await createContact(db, client);
    const packet = await createPacket(db, client);
    const outboxId = await enqueueEmail(db, message('late@example.test'));
    await db.insert(s.delivery).values({
      firmId: firm.id,
      packetId: packet.id,
      version: 1,
      contactId: contact.id,
      outboxId
    });
    await db.update(s.outbox).set({ createdAt: sql`now() - interval '25 hours'` });
    stub.answerAlways(503);
    await worker().drain();
    const [row] = await rows();
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/Gave up after 24 hours.*503/);
    const [d] = await db.select().from(s.delivery).where(eq(s.delivery.outboxId, outboxId));
    expect(d.status).toBe('failed');
    expect(d.statusDetail).toContain('Gave up');
  });

  it('retries a message near the 24-hour give-up at the give-up: a delay with a fraction of a ms', async () => {
    await enqueueMany(1);
    // 23 h 59 min 30.0004 s old after 12 tries: the backoff (about an hour) is cut to the time
    // left, about 29,999.6 ms, whose fraction comes from the age's microseconds. Recording it
    // once failed the whole record transaction, and the batch was sent again and again.
    await db
      .update(s.outbox)
      .set({ createdAt: sql`now() - interval '23:59:30.0004'`, attempts: 12 });
    stub.answerAlways(503);
    const started = Date.now();
    expect(await worker().runOnce()).toMatchObject({ claimed: 1, retried: 1, dead: 0 });
    const took = Date.now() - started;
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 13, lockedBy: null });
    expect(row.lastError).toContain('503');
    // Due at the give-up, counted from the claim: later by no more than the batch took to
    // send and record (however busy the machine), never an hour's backoff later.
    const dueAfterCreation = row.runAfter.getTime() - row.createdAt.getTime();
    expect(dueAfterCreation).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(dueAfterCreation).toBeLessThanOrEqual(24 * 3600_000 + took + 1000);
  });

  it('records a retry delay that is not a whole number of milliseconds', async () => {
    await enqueueMany(1);
    const [claimed] = await claimDueEmails(db, 'w-fraction', { batchSize: 1, staleLockMs: 60_000 });
    const before = Date.now();
    await recordOutcome(db, 'w-fraction', POSTMARK, {
      ...NONE,
      retry: [{ id: claimed.id, error: 'HTTP 503', delay: 29_999.5 }]
    });
    const after = Date.now();
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lockedBy: null });
    // 29,999.5 ms after the record's own now(), which fell between before and after.
    expect(row.runAfter.getTime()).toBeGreaterThanOrEqual(before + 29_000);
    expect(row.runAfter.getTime()).toBeLessThanOrEqual(after + 31_000);
  });

  it('abandons a hung call after the timeout and delivers on the retry', async () => {
    const addresses = await enqueueMany(5);
    stub.answerNext('hang');
    // The stub never answers: drain() returning at all means the 0.5 s timeout fired.
    const first = await worker({ timeoutSeconds: 0.5 }).drain();
    expect(first).toMatchObject({ retried: 5 });
    expect((await rows())[0].lastError).toMatch(/no answer/);
    await db.update(s.outbox).set({ runAfter: sql`now()` });
    await worker({ timeoutSeconds: 0.5 }).drain();
    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
  });

  it('retries when Postmark cannot be reached at all', async () => {
    await enqueueMany(2);
    await stub.close();
    const result = await worker().drain();
    expect(result).toMatchObject({ retried: 2 });
    expect((await rows()).every((r) => r.status === 'pending' && r.lastError)).toBe(true);
  });

  it('marks inactive (406) and invalid (300) recipients failed, shows why, never retries', async () => {
    const firm = await createFirm(db);
    const client = await createClient(db, firm.id);
    const packet = await createPacket(db, client);
    const [good, inactive, invalid] = await enqueueMany(3);
    stub.reject(inactive, 406);
    stub.reject(invalid, 300);
    const outboxRows = await rows();
    for (const row of outboxRows) {
      const { contact } = await createContact(db, client);
      await db.insert(s.delivery).values({
        firmId: firm.id,
        packetId: packet.id,
        version: 1,
        contactId: contact.id,
        outboxId: row.id
      });
    }
    const result = await worker().drain();
    expect(result).toMatchObject({ sent: 1, failed: 2, retried: 0 });
    const byTo = new Map((await rows()).map((r) => [(r.payload as EmailMessage).to, r]));
    expect(byTo.get(good)?.status).toBe('sent');
    expect(byTo.get(inactive)).toMatchObject({ status: 'failed' });
    expect(byTo.get(inactive)?.lastError).toMatch(/406.*inactive/);
    expect(byTo.get(invalid)?.lastError).toMatch(/300.*Illegal email address/);
    const deliveries = await db
      .select()
      .from(s.delivery)
      .where(
        inArray(
          s.delivery.outboxId,
          outboxRows.map((r) => r.id)
        )
      );
    const status = new Map(deliveries.map((d) => [d.outboxId, d]));
    expect(status.get(byTo.get(good)!.id)?.status).toBe('sent');
    expect(status.get(byTo.get(inactive)!.id)).toMatchObject({ status: 'failed' });
    expect(status.get(byTo.get(inactive)!.id)?.statusDetail).toContain('inactive');
    // Nothing more is tried, even much later.
    await db.update(s.outbox).set({ runAfter: sql`now() - interval '1 hour'` });
    expect((await worker().drain()).claimed).toBe(0);
    expect(stub.calls).toHaveLength(1);
  });

  it('isolates a message that spoils a whole batch (422) and sends the rest', async () => {
    const addresses = await enqueueMany(3);
    stub.answerNext(422);
    stub.reject(addresses[1], 300);
    const result = await worker().drain();
    expect(result).toMatchObject({ sent: 2, failed: 1 });
    expect(stub.calls.map((c) => c.path)).toEqual(['/email/batch', '/email', '/email', '/email']);
  });

  it('stops isolating when Postmark fails meanwhile: the rest wait for the next try', async () => {
    await enqueueMany(3);
    stub.answerNext(422, 500);
    const result = await worker().drain();
    expect(result).toMatchObject({ sent: 0, failed: 0, retried: 3 });
    expect(stub.calls.map((c) => c.path)).toEqual(['/email/batch', '/email']);
  });

  it('two workers with their own connection pools never send a message twice', async () => {
    const addresses = await enqueueMany(1200);
    const other = await scratch.openPool();
    const a = worker();
    const b = worker({ database: other.db });
    stub.latencyMs = 5;
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    expect(ra.sent + rb.sent).toBe(1200);
    expect(ra.sent).toBeGreaterThan(0);
    expect(rb.sent).toBeGreaterThan(0);
    expect(stub.accepted).toHaveLength(1200);
    expect(addresses.every((x) => stub.acceptedTo(x) === 1)).toBe(true);
    expect(
      (await rows()).every((r) => r.status === 'sent' && r.attempts === 1 && r.lockedBy === null)
    ).toBe(true);
  });

  it('picks up rows a crashed worker had claimed, and never re-sends rows marked sent', async () => {
    const addresses = await enqueueMany(10);
    // The first worker sends everything...
    await worker().drain();
    // ...then a crash leaves five fresh rows claimed (stale lock) and one claimed but fresh.
    const fresh = await enqueueMany(6);
    const pending = (await rows()).filter((r) => r.status === 'pending');
    await db
      .update(s.outbox)
      .set({ lockedBy: 'dead-worker', lockedAt: sql`now() - interval '10 minutes'` })
      .where(
        inArray(
          s.outbox.id,
          pending.slice(0, 5).map((r) => r.id)
        )
      );
    await db
      .update(s.outbox)
      .set({ lockedBy: 'busy-worker', lockedAt: sql`now()` })
      .where(eq(s.outbox.id, pending[5].id));
    const result = await worker().drain();
    expect(result.sent).toBe(5);
    expect(fresh.slice(0, 5).every((a) => stub.acceptedTo(a) === 1)).toBe(true);
    expect(stub.acceptedTo(fresh[5])).toBe(0); // someone else is still sending it
    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
  });

  it('stops cleanly: finishes the batch in flight and releases nothing half-done', async () => {
    await enqueueMany(50);
    stub.latencyMs = 300;
    const w = worker();
    w.start();
    await stub.waitForCalls(1);
    await w.stop();
    const after = await rows();
    expect(after.every((r) => r.status === 'sent' && r.lockedBy === null)).toBe(true);
    expect(stub.accepted).toHaveLength(50);
  });

  it('stop() abandons a send that hangs: every row released, due now, nothing marked sent', async () => {
    await enqueueMany(20);
    stub.answerAlways('hang');
    // The send's own timeout is an hour, far past the test's: stop() returning at all means it
    // abandoned the send rather than waiting it out (stopApp gives the worker 1.5 s before it
    // closes the pool).
    const w = worker({ timeoutSeconds: 3600 });
    w.start();
    await stub.waitForCalls(1);
    await w.stop();
    const after = await rows();
    expect(after).toHaveLength(20);
    for (const r of after) {
      expect(r).toMatchObject({ status: 'pending', lockedBy: null, lockedAt: null, attempts: 0 });
      expect(r.runAfter.getTime()).toBeLessThanOrEqual(Date.now());
    }
    // The next worker takes them at once.
    stub.answerAlways('ok');
    expect(await worker().drain()).toMatchObject({ claimed: 20, sent: 20 });
  });

  it('stop() during a 422 one-by-one resend keeps what was sent and releases the rest', async () => {
    const addresses = await enqueueMany(3);
    stub.answerNext(422, 'ok', 'hang');
    const w = worker({ timeoutSeconds: 15 });
    w.start();
    await stub.waitForCalls(3);
    await w.stop();
    const byTo = new Map((await rows()).map((r) => [(r.payload as EmailMessage).to, r]));
    expect(byTo.get(addresses[0])).toMatchObject({ status: 'sent', lockedBy: null });
    expect(byTo.get(addresses[1])).toMatchObject({ status: 'pending', lockedBy: null });
    expect(byTo.get(addresses[2])).toMatchObject({ status: 'pending', lockedBy: null });
    await worker().drain();
    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
  });

  it('keeps its claim fresh while a slow 422 batch is resent one by one', async () => {
    const addresses = await enqueueMany(4);
    stub.answerNext(422);
    // A batch call and four single sends, 400 ms each: 2 s, past a 600 ms stale-lock window.
    stub.latencyMs = 400;
    const sending = worker({ staleLockMs: 600 }).drain();
    let done = false;
    void sending.finally(() => (done = true));
    await stub.waitForCalls(1);
    const other = worker({ staleLockMs: 600 });
    let taken = 0;
    while (!done) {
      taken += (await other.runOnce()).claimed;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await sending).toMatchObject({ sent: 4 });
    expect(taken).toBe(0);
    expect(stub.calls.map((c) => c.path)).toEqual([
      '/email/batch',
      '/email',
      '/email',
      '/email',
      '/email'
    ]);
    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
  });

  it('applies delivery and bounce reports that arrive before Postmark answers the send', async () => {
    const firm = await createFirm(db);
    const client = await createClient(db, firm.id);
    const packet = await createPacket(db, client);
    await enqueueMany(3);
    const deliveryOf = new Map<number, string>();
    for (const row of await rows()) {
      const { contact } = await createContact(db, client);
      const [d] = await db
        .insert(s.delivery)
        .values({
          firmId: firm.id,
          packetId: packet.id,
          version: 1,
          contactId: contact.id,
          outboxId: row.id
        })
        .returning();
      deliveryOf.set(row.id, d.id);
    }
    // Postmark takes the batch, and its webhooks overtake its answer.
    stub.answerNext('accept-hang');
    const sending = worker().drain();
    await stub.waitForCalls(1);
    const [a, b, c] = stub.accepted;
    const deliveredEvent = {
      RecordType: 'Delivery',
      MessageID: a.MessageID,
      Recipient: a.To,
      DeliveredAt: '2026-11-25T10:01:02Z'
    };
    const bounceEvent = {
      RecordType: 'Bounce',
      ID: 4242,
      Type: 'HardBounce',
      MessageID: b.MessageID,
      Email: b.To,
      BouncedAt: '2026-11-25T10:02:00Z',
      Description: 'Mailbox not found',
      Inactive: true
    };
    expect(await recordPostmarkEvent(db, deliveredEvent)).toBe('recorded');
    expect(await recordPostmarkEvent(db, bounceEvent)).toBe('recorded');
    const statuses = async () => {
      const all = await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id));
      const byId = new Map(all.map((d) => [d.id, d]));
      const byTo = new Map((await rows()).map((r) => [(r.payload as EmailMessage).to, r.id]));
      return (to: string) => byId.get(deliveryOf.get(byTo.get(to)!)!)!;
    };
    // Nothing to match yet: the worker has not stored the MessageIDs.
    expect((await statuses())(a.To).status).toBe('queued');
    stub.releaseHeld();
    expect(await sending).toMatchObject({ sent: 3 });
    const after = await statuses();
    expect(after(a.To)).toMatchObject({ status: 'delivered', statusDetail: null });
    expect(after(b.To)).toMatchObject({ status: 'bounced', statusDetail: 'Mailbox not found' });
    expect(after(c.To).status).toBe('sent');
    // Postmark's retry of an event it already sent changes nothing.
    expect(await recordPostmarkEvent(db, deliveredEvent)).toBe('repeated');
    expect((await statuses())(a.To).status).toBe('delivered');
  });
});
