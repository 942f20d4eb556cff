import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { DatabaseHandle, Db } from '../db/client';
import { createMailboxTransport } from './mailbox';
import { onEnqueued } from './outbox';
import { claimDueEmails, holdClaim, releaseClaims, type ClaimedEmail } from './outbox-claims';
import { channelsOf, sendByChannel, type OutboxTransports } from './outbox-dispatch';
import { recordOutcome, type BatchOutcome } from './outbox-results';
import { createPostmarkTransport, postmarkOptionsFromConfig } from './postmark';
import type { EmailTransport, SendResult } from './transport';
import { createPushTransport, type PushTransport } from '../push/transport';
import { vapidKeys } from '../push/vapid';

export interface EmailWorkerOptions {
  transport: EmailTransport;
  /** Sends the outbox's push rows too; without it they are left alone. */
  push?: PushTransport;
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
  const transports: OutboxTransports = { email: transport, push: options.push };
  const channels = channelsOf(transports);
  const batchSize = Math.min(options.batchSize ?? transport.maxBatch, transport.maxBatch);
  const pollMs = options.pollMs ?? 1000;
  const staleLockMs = options.staleLockMs ?? 5 * 60_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 24 * 60 * 60_000;
  const random = options.random ?? Math.random;
  const stopGraceMs = options.stopGraceMs ?? 800;
  const log = options.log ?? (() => {});
  // Aborted when stop() runs out of patience; a new one for each start().
  let abandon = new AbortController();

  /** Sorts a batch by what the transport said, and by the rules for retrying and giving up. */
  function sortResults(
    claimed: ClaimedEmail[],
    results: SendResult[],
    stopped: boolean
  ): BatchOutcome {
    const outcome: BatchOutcome = { sent: [], failed: [], retry: [], dead: [], released: [] };
    claimed.forEach((row, i) => {
      const result = results[i] ?? { status: 'retry', error: 'no result from transport' };
      if (result.status === 'sent') outcome.sent.push({ id: row.id, mid: result.messageId });
      else if (result.status === 'failed') outcome.failed.push({ id: row.id, error: result.error });
      // Abandoned because the worker is stopping: not the message's fault, so no attempt counted.
      else if (stopped) outcome.released.push(row.id);
      else if (row.ageMs >= giveUpAfterMs) {
        outcome.dead.push({
          id: row.id,
          error: `Gave up after 24 hours. Last error: ${result.error}`
        });
      } else {
        const delay = Math.min(retryDelayMs(row.attempts + 1, random), giveUpAfterMs - row.ageMs);
        outcome.retry.push({ id: row.id, error: result.error, delay: Math.max(1000, delay) });
      }
    });
    return outcome;
  }

  async function record(
    claimed: ClaimedEmail[],
    results: SendResult[],
    stopped: boolean
  ): Promise<BatchResult> {
    const outcome = sortResults(claimed, results, stopped);
    await recordOutcome(db, id, transport, outcome);
    const { sent, failed, retry, dead, released } = outcome;
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
    const claimed = await claimDueEmails(db, id, {
      batchSize,
      staleLockMs,
      only: options.only,
      channels
    });
    if (!claimed.length) return { claimed: 0, sent: 0, failed: 0, retried: 0, dead: 0 };
    const signal = abandon.signal;
    const stopHolding = holdClaim(
      db,
      id,
      claimed.map((row) => row.id),
      staleLockMs,
      log
    );
    try {
      const results = await sendByChannel(claimed, transports, { signal });
      // Held until recorded: a record kept waiting on a lock must not let another worker take
      // the batch for abandoned and send it again.
      return await record(claimed, results, signal.aborted);
    } finally {
      await stopHolding();
    }
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
      await releaseClaims(db, id).catch(() => {});
    }
  };
}

/** The transport this configuration asks for: Postmark with a token, else the dev mailbox. */
export function transportFor(config: Config): EmailTransport {
  return config.mailTransport === 'postmark'
    ? createPostmarkTransport(postmarkOptionsFromConfig(config))
    : createMailboxTransport();
}

/** Starts the outbox worker (mail and pushes) for this process; returns a function that stops it. */
export function startEmailWorker(handle: DatabaseHandle, config: Config): () => Promise<void> {
  const levels = ['debug', 'info', 'warn', 'error', 'silent'];
  const worker = createEmailWorker(handle.db, {
    transport: transportFor(config),
    push: createPushTransport(handle.db, { keys: () => vapidKeys(handle.db, config) }),
    log: (level, message) => {
      if (levels.indexOf(level) >= levels.indexOf(config.LOG_LEVEL)) console[level](message);
    }
  });
  worker.start();
  return () => worker.stop();
}
