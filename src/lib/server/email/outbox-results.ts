// What became of a claimed batch, written to the outbox and the deliveries the mails carry.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailEvent, outbox } from '../db/schema';
import { updateOutboxAudited } from './mail-audit';
import type { EmailTransport } from './transport';
import { applyPostmarkEvent, type PostmarkEvent } from './webhook';

/** A batch sorted by what happened to each message. */
export interface BatchOutcome {
  sent: { id: number; mid: string }[];
  /** Refused for good by the provider. */
  failed: { id: number; error: string }[];
  /** To be tried again after `delay` ms. */
  retry: { id: number; error: string; delay: number }[];
  /** Failing for too long: given up. */
  dead: { id: number; error: string }[];
  /** Abandoned because the worker is stopping: due again at once, no attempt counted. */
  released: number[];
}

/**
 * Records a batch's outcome in one transaction: outbox rows sent, failed, dead, due again or
 * released, their deliveries, and an audit event for each message sent, refused or given up.
 * Only rows this worker still holds unsent are touched.
 */
export async function recordOutcome(
  db: Db,
  workerId: string,
  transport: Pick<EmailTransport, 'name' | 'deliversOnSend'>,
  outcome: BatchOutcome
): Promise<void> {
  const { sent, failed, retry, dead, released } = outcome;
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
    const mine = sql`o.locked_by = ${workerId} and o.status = 'pending'`;
    if (sent.length) {
      await updateOutboxAudited(
        tx,
        sql`
        update outbox o set status = 'sent', sent_at = now(),
          transport = case when o.channel = 'push' then 'push' else ${transport.name} end,
          provider_message_id = nullif(${byId(sent, (s) => s.mid)} ->> o.id::text, ''),
          attempts = o.attempts + 1, last_error = null, locked_at = null, locked_by = null
        where o.id = any(${idArray(sent)}) and ${mine}`,
        'email.sent'
      );
      await tx.execute(sql`
        update delivery set status = ${transport.deliversOnSend ? 'delivered' : 'sent'},
          status_detail = null
        where status = 'queued' and outbox_id = any(${idArray(sent)})`);
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
    for (const [status, list, action] of [
      ['failed', failed, 'email.failed'],
      ['dead', dead, 'email.given_up']
    ] as const) {
      if (!list.length) continue;
      const errors = byId(list, (m) => m.error);
      await updateOutboxAudited(
        tx,
        sql`
        update outbox o set status = ${status}, last_error = ${errors} ->> o.id::text,
          attempts = o.attempts + 1, locked_at = null, locked_by = null
        where o.id = any(${idArray(list)}) and ${mine}`,
        action
      );
      await tx.execute(sql`
        update delivery d set status = 'failed', status_detail = ${errors} ->> d.outbox_id::text
        where d.outbox_id = any(${idArray(list)}) and d.status in ('queued', 'sent')`);
    }
    if (retry.length) {
      await tx.execute(sql`
        update outbox o set last_error = ${byId(retry, (r) => r.error)} ->> o.id::text,
          attempts = o.attempts + 1,
          run_after = now() + (${byId(retry, (r) => r.delay)} ->> o.id::text)::float8
            * interval '1 millisecond',
          locked_at = null, locked_by = null
        where o.id = any(${idArray(retry)}) and ${mine}`);
    }
    if (released.length) {
      await tx
        .update(outbox)
        .set({ lockedAt: null, lockedBy: null, runAfter: sql`now()` })
        .where(
          and(
            inArray(outbox.id, released),
            eq(outbox.lockedBy, workerId),
            eq(outbox.status, 'pending')
          )
        );
    }
  });
}

// A batch's rows are found by primary key (`o.id = any(ids)`) and each row's own value is looked up
// by its id, rather than by joining the table to a list of records: with a join the planner,
// misjudging how many rows a fresh outbox holds (PGlite never gathers statistics), compared
// every claimed row with every record, a batch of 500 cost 250,000 comparisons.

/** The ids as a bigint[] (a literal of integers only). */
function idArray(list: { id: number }[]): SQL {
  return sql`${`{${list.map((m) => Math.trunc(m.id)).join(',')}}`}::bigint[]`;
}

/** One value per message as a jsonb object keyed by id, read with `->> o.id::text`. */
function byId<T extends { id: number }>(list: T[], value: (m: T) => string | number): SQL {
  return sql`${JSON.stringify(Object.fromEntries(list.map((m) => [m.id, value(m)])))}::jsonb`;
}
