// A worker's claim on outbox rows: taking due rows, keeping the claim fresh while they are sent,
// and handing them back. A claim is locked_by (the worker's id) and locked_at (when).
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { outbox, outboxMessage, type OutboxChannel } from '../db/schema';
import type { EmailMessage } from './outbox';
import type { OutgoingEmail } from './transport';

/**
 * A claimed row: its channel, the message, how often it was tried, and how long ago it was
 * queued. On the push channel `message` holds a PushPayload (outbox-dispatch.ts reads it so).
 */
export type ClaimedEmail = OutgoingEmail & {
  channel: OutboxChannel;
  attempts: number;
  ageMs: number;
};

export interface ClaimOptions {
  batchSize: number;
  /** A claim older than this is treated as abandoned (its worker died) and taken again. */
  staleLockMs: number;
  /** Only rows of this firm or to this address (tests, tools). */
  only?: { firmId?: string; to?: string };
  /** The channels this worker can send (default: email only). */
  channels?: OutboxChannel[];
}

/**
 * Claims up to batchSize due rows, oldest first, for this worker. Rows another worker is
 * claiming at the same moment are skipped, never waited for, so no row goes to two workers.
 */
export async function claimDueEmails(
  db: Db,
  workerId: string,
  options: ClaimOptions
): Promise<ClaimedEmail[]> {
  const { batchSize, staleLockMs, only } = options;
  const channels = options.channels ?? ['email'];
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        inArray(outbox.channel, channels),
        lte(outbox.runAfter, sql`now()`),
        or(
          isNull(outbox.lockedAt),
          lt(outbox.lockedAt, sql`now() - make_interval(secs => ${staleLockMs / 1000})`)
        ),
        only?.firmId ? eq(outbox.firmId, only.firmId) : undefined,
        only?.to
          ? sql`lower(coalesce((select ${outboxMessage.payload} from ${outboxMessage}
              where ${outboxMessage.outboxId} = ${outbox.id}), ${outbox.payload})->>'to')
              = ${only.to.toLowerCase()}`
          : undefined
      )
    )
    .orderBy(asc(outbox.runAfter), asc(outbox.id))
    .limit(batchSize)
    .for('update', { skipLocked: true });
  // The claim rewrites only the narrow outbox row; each message is read beside it.
  const claimed = await db.execute(sql`
    with claimed as (
      update ${outbox} set locked_at = now(), locked_by = ${workerId}
      where ${inArray(outbox.id, due)}
      returning id, kind, channel, payload, attempts, created_at
    )
    select c.id, c.kind, c.channel, coalesce(m.payload, c.payload) as payload, c.attempts,
      (extract(epoch from now() - c.created_at) * 1000)::float8 as age_ms
    from claimed c left join outbox_message m on m.outbox_id = c.id`);
  return rowsOf<ClaimRow>(claimed)
    .map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      channel: r.channel,
      message: r.payload as EmailMessage,
      attempts: r.attempts,
      ageMs: Number(r.age_ms)
    }))
    .sort((a, b) => a.id - b.id);
}

interface ClaimRow {
  id: number | string;
  kind: string;
  channel: OutboxChannel;
  payload: unknown;
  attempts: number;
  age_ms: number | string;
}

/**
 * Keeps this worker's claim on rows fresh while their send is in flight, so a slow batch (a
 * 422 answer sends up to 500 messages one by one) is never mistaken for an abandoned one.
 * Refreshes every third of staleLockMs; the function returned stops it.
 */
export function holdClaim(
  db: Db,
  workerId: string,
  ids: number[],
  staleLockMs: number,
  log: (level: 'warn', message: string) => void
): () => Promise<void> {
  let refreshing: Promise<unknown> = Promise.resolve();
  let inFlight = false;
  const timer = setInterval(
    () => {
      if (inFlight) return;
      inFlight = true;
      // Rows another transaction has locked are skipped, never waited for: while the batch is
      // being recorded its own rows are locked by recordOutcome (and claims skip them too).
      const mine = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(inArray(outbox.id, ids), eq(outbox.lockedBy, workerId), eq(outbox.status, 'pending'))
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

/** Hands back every row this worker still holds unsent, for the next worker to take. */
export async function releaseClaims(db: Db, workerId: string): Promise<void> {
  await db
    .update(outbox)
    .set({ lockedAt: null, lockedBy: null })
    .where(and(eq(outbox.lockedBy, workerId), eq(outbox.status, 'pending')));
}
