import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { startReminderSchedule } from '../packets/reminder-schedule';
import type { Config } from '../config';
import type { DatabaseHandle, Db } from '../db/client';
import { emailEvent, outbox } from '../db/schema';
import { createMailboxTransport } from './mailbox';
import { onEnqueued, type EmailMessage } from './outbox';
import { createPostmarkTransport, postmarkOptionsFromConfig } from './postmark';
import type { EmailTransport, OutgoingEmail, SendResult } from './transport';
import { applyPostmarkEvent, type PostmarkEvent } from './webhook';

export interface EmailWorkerOptions {
  transport: EmailTransport;
  /** Written to outbox.locked_by; unique per worker. */
  id?: string;
  batchSize?: number;
  pollMs?: number;
  /**
   * A claim older than this is treated as abandoned (its worker died) and taken again. A live
   * worker refreshes its claim every third of this while a send is in flight.
   */
  staleLockMs?: number;
  /** How long stop() lets the send in flight finish before abandoning it (default 800 ms). */
  stopGraceMs?: number;
  /** After this long since the message was queued, a failing message is dead. */
  giveUpAfterMs?: number;
  random?: () => number;
  /** Only rows of this firm or to this address (tests, tools). */
  only?: { firmId?: string; to?: string };
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface BatchResult {
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  dead: number;
}

export interface EmailWorker {
  id: string;
  /** Claims and sends one batch of due messages. */
  runOnce(): Promise<BatchResult>;
  /** Runs batches until nothing is due; returns the totals and the number of batches. */
  drain(): Promise<BatchResult & { batches: number }>;
  /** Polls in the background until stop(). */
  start(): void;
  /**
   * Stops polling. The send in flight gets stopGraceMs to finish; then it is abandoned, and its
   * messages are released, due at once, for the next worker (at most that batch can repeat).
   */
  stop(): Promise<void>;
}

export const RETRY_MIN_MS = 30_000;
export const RETRY_MAX_MS = 60 * 60_000;

/** Exponential backoff with jitter: about 30 s after the first failure, doubling, at most 1 h. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(RETRY_MAX_MS, base * (0.8 + 0.4 * random())));
}

export function createEmailWorker(db: Db, options: EmailWorkerOptions): EmailWorker {
  const id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const transport = options.transport;
  const batchSize = Math.min(options.batchSize ?? transport.maxBatch, transport.maxBatch);
  const pollMs = options.pollMs ?? 1000;
  const staleLockMs = options.staleLockMs ?? 5 * 60_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 24 * 60 * 60_000;
  const random = options.random ?? Math.random;
  const stopGraceMs = options.stopGraceMs ?? 800;
  const log = options.log ?? (() => {});
  // Aborted when stop() runs out of patience; a new one for each start().
  let abandon = new AbortController();

  type Claimed = OutgoingEmail & { attempts: number; ageMs: number };

  async function claim(): Promise<Claimed[]> {
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          lte(outbox.runAfter, sql`now()`),
          or(
            isNull(outbox.lockedAt),
            lt(outbox.lockedAt, sql`now() - make_interval(secs => ${staleLockMs / 1000})`)
          ),
          options.only?.firmId ? eq(outbox.firmId, options.only.firmId) : undefined,
          options.only?.to
            ? sql`lower(${outbox.payload}->>'to') = ${options.only.to.toLowerCase()}`
            : undefined
        )
      )
      .orderBy(asc(outbox.runAfter), asc(outbox.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const rows = await db
      .update(outbox)
      .set({ lockedAt: sql`now()`, lockedBy: id })
      .where(inArray(outbox.id, due))
      .returning({
        id: outbox.id,
        kind: outbox.kind,
        payload: outbox.payload,
        attempts: outbox.attempts,
        ageMs: sql<number>`(extract(epoch from now() - ${outbox.createdAt}) * 1000)::float8`
      });
    return rows
      .sort((a, b) => a.id - b.id)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        message: r.payload as EmailMessage,
        attempts: r.attempts,
        ageMs: Number(r.ageMs)
      }));
  }

  /**
   * Keeps this worker's claim on rows fresh while their send is in flight, so a slow batch (a
   * 422 answer sends up to 500 messages one by one) is never mistaken for an abandoned one.
   */
  function holdClaim(ids: number[]): () => Promise<void> {
    let refreshing: Promise<unknown> = Promise.resolve();
    let inFlight = false;
    const timer = setInterval(
      () => {
        if (inFlight) return;
        inFlight = true;
        // Rows another transaction has locked are skipped, never waited for: while the batch is
        // being recorded its own rows are locked by record() (and claim() skips them too).
        const mine = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(inArray(outbox.id, ids), eq(outbox.lockedBy, id), eq(outbox.status, 'pending'))
          )
          .for('update', { skipLocked: true });
        refreshing = db
          .update(outbox)
          .set({ lockedAt: sql`now()` })
          .where(inArray(outbox.id, mine))
          .catch((error) => log('warn', `Email worker: could not refresh its claim: ${error}`))
          .finally(() => (inFlight = false));
      },
      Math.max(10, staleLockMs / 3)
    );
    return async () => {
      clearInterval(timer);
      await refreshing;
    };
  }

  async function record(
    claimed: Claimed[],
    results: SendResult[],
    stopped: boolean
  ): Promise<BatchResult> {
    const sent: { id: number; mid: string }[] = [];
    const failed: { id: number; error: string }[] = [];
    const retry: { id: number; error: string; delay: number }[] = [];
    const dead: { id: number; error: string }[] = [];
    const released: number[] = [];
    claimed.forEach((row, i) => {
      const result = results[i] ?? { status: 'retry', error: 'no result from transport' };
      if (result.status === 'sent') sent.push({ id: row.id, mid: result.messageId });
      else if (result.status === 'failed') failed.push({ id: row.id, error: result.error });
      // Abandoned because the worker is stopping: not the message's fault, so no attempt counted.
      else if (stopped) released.push(row.id);
      else if (row.ageMs >= giveUpAfterMs) {
        dead.push({ id: row.id, error: `Gave up after 24 hours. Last error: ${result.error}` });
      } else {
        const delay = Math.min(retryDelayMs(row.attempts + 1, random), giveUpAfterMs - row.ageMs);
        retry.push({ id: row.id, error: result.error, delay: Math.max(1000, delay) });
      }
    });
    const events = sent.length > 0 && !transport.deliversOnSend;
    await db.transaction(async (tx) => {
      // Mail already sent must be recorded, however long a lock (a migration, a VACUUM FULL) holds
      // it up: given up at the pool's lock or statement timeout (which counts the wait too), the
      // batch would be claimed again and sent twice. Its statements are quick once they have
      // their locks.
      await tx.execute(sql`set local lock_timeout = 0`);
      await tx.execute(sql`set local statement_timeout = 0`);
      // Webhook events are stored (inserted) before their delivery is looked up by MessageID.
      // This lock waits for webhook transactions under way and holds off new ones until this
      // commits, so each event either finds the MessageID or is found below. Taken first, while
      // this transaction holds no row locks a webhook could be waiting for.
      if (events) await tx.execute(sql`lock table email_event in share mode`);
      const mine = sql`o.locked_by = ${id} and o.status = 'pending'`;
      if (sent.length) {
        await tx.execute(sql`
          update outbox o set status = 'sent', sent_at = now(), transport = ${transport.name},
            provider_message_id = v.mid, attempts = o.attempts + 1, last_error = null,
            locked_at = null, locked_by = null
          from jsonb_to_recordset(${JSON.stringify(sent)}::jsonb) as v(id bigint, mid text)
          where o.id = v.id and ${mine}`);
        await tx.execute(sql`
          update delivery set status = ${transport.deliversOnSend ? 'delivered' : 'sent'},
            status_detail = null
          where status = 'queued' and outbox_id in
            (select (x->>'id')::bigint from jsonb_array_elements(${JSON.stringify(sent)}::jsonb) x)`);
      }
      if (events) {
        // Delivery or bounce reports that came in before Postmark's answer to the send did.
        const early = await tx
          .select({ raw: emailEvent.raw })
          .from(emailEvent)
          .where(
            inArray(
              emailEvent.providerMessageId,
              sent.map((s) => s.mid)
            )
          )
          .orderBy(asc(emailEvent.at), asc(emailEvent.id));
        for (const event of early) await applyPostmarkEvent(tx, event.raw as PostmarkEvent);
      }
      for (const [status, list] of [
        ['failed', failed],
        ['dead', dead]
      ] as const) {
        if (!list.length) continue;
        await tx.execute(sql`
          update outbox o set status = ${status}, last_error = v.error, attempts = o.attempts + 1,
            locked_at = null, locked_by = null
          from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as v(id bigint, error text)
          where o.id = v.id and ${mine}`);
        await tx.execute(sql`
          update delivery d set status = 'failed', status_detail = v.error
          from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as v(id bigint, error text)
          where d.outbox_id = v.id and d.status in ('queued', 'sent')`);
      }
      if (retry.length) {
        await tx.execute(sql`
          update outbox o set last_error = v.error, attempts = o.attempts + 1,
            run_after = now() + v.delay * interval '1 millisecond',
            locked_at = null, locked_by = null
          from jsonb_to_recordset(${JSON.stringify(retry)}::jsonb) as v(id bigint, error text, delay bigint)
          where o.id = v.id and ${mine}`);
      }
      if (released.length) {
        await tx
          .update(outbox)
          .set({ lockedAt: null, lockedBy: null, runAfter: sql`now()` })
          .where(
            and(inArray(outbox.id, released), eq(outbox.lockedBy, id), eq(outbox.status, 'pending'))
          );
      }
    });
    if (failed.length) log('warn', `${failed.length} message(s) refused: ${failed[0].error}`);
    if (dead.length) log('error', `${dead.length} message(s) dead: ${dead[0].error}`);
    if (retry.length) log('warn', `${retry.length} message(s) will be retried: ${retry[0].error}`);
    if (released.length) log('info', `${released.length} message(s) left for the next worker`);
    return {
      claimed: claimed.length,
      sent: sent.length,
      failed: failed.length,
      retried: retry.length,
      dead: dead.length
    };
  }

  async function runOnce(): Promise<BatchResult> {
    const claimed = await claim();
    if (!claimed.length) return { claimed: 0, sent: 0, failed: 0, retried: 0, dead: 0 };
    const signal = abandon.signal;
    const stopHolding = holdClaim(claimed.map((row) => row.id));
    let results: SendResult[];
    try {
      try {
        results = await transport.send(claimed, { signal });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results = claimed.map(() => ({ status: 'retry', error: message }));
      }
      // Held until recorded: a record kept waiting on a lock must not let another worker take
      // the batch for abandoned and send it again.
      return await record(claimed, results, signal.aborted);
    } finally {
      await stopHolding();
    }
  }

  async function release() {
    await db
      .update(outbox)
      .set({ lockedAt: null, lockedBy: null })
      .where(and(eq(outbox.lockedBy, id), eq(outbox.status, 'pending')));
  }

  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let pending = false;

  async function loop() {
    while (!stopping) {
      let full = false;
      try {
        const result = await runOnce();
        full = result.claimed === batchSize;
      } catch (error) {
        log('error', `Email worker: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (full || stopping) continue;
      if (pending) {
        pending = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  let unsubscribe: (() => void) | undefined;

  return {
    id,
    runOnce,
    async drain() {
      const total = { claimed: 0, sent: 0, failed: 0, retried: 0, dead: 0, batches: 0 };
      for (;;) {
        const r = await runOnce();
        if (!r.claimed) return total;
        total.batches++;
        for (const k of ['claimed', 'sent', 'failed', 'retried', 'dead'] as const) total[k] += r[k];
      }
    },
    start() {
      if (running) return;
      stopping = false;
      if (abandon.signal.aborted) abandon = new AbortController();
      unsubscribe = onEnqueued(() => {
        pending = true;
        wake?.();
      });
      running = loop();
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      wake?.();
      const impatient = setTimeout(
        () => abandon.abort(new Error('the email worker is stopping')),
        stopGraceMs
      );
      await running;
      clearTimeout(impatient);
      running = undefined;
      await release().catch(() => {});
    }
  };
}

/** The transport this configuration asks for: Postmark with a token, else the dev mailbox. */
export function transportFor(config: Config): EmailTransport {
  return config.mailTransport === 'postmark'
    ? createPostmarkTransport(postmarkOptionsFromConfig(config))
    : createMailboxTransport();
}

/** Starts the outbox worker for this process; returns a function that stops it. */
export function startEmailWorker(handle: DatabaseHandle, config: Config): () => Promise<void> {
  const levels = ['debug', 'info', 'warn', 'error', 'silent'];
  const worker = createEmailWorker(handle.db, {
    transport: transportFor(config),
    log: (level, message) => {
      if (levels.indexOf(level) >= levels.indexOf(config.LOG_LEVEL)) console[level](message);
    }
  });
  worker.start();
  // Automatic packet reminders are queued by the same background process that sends mail.
  const stopReminders = startReminderSchedule(handle.db, (message) => {
    if (config.LOG_LEVEL !== 'silent') console.info(message);
  });
  return async () => {
    await stopReminders();
    await worker.stop();
  };
}
