import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { outbox, outboxMessage, type OutboxChannel } from '../db/schema';
import { singleLine } from '../../format/words';

export interface EmailMessage {
  /** sign_in | invite | packet | packet_updated | reminder | reply | ...: also the Postmark Tag. */
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `"Name" <address>` (firmEnvelope); unset: MAIL_FROM. */
  from?: string;
  /** The From to use instead if Postmark refuses `from` (the firm's own domain lapsed). */
  fallbackFrom?: string;
  replyTo?: string | null;
  firmId?: string | null;
  metadata?: Record<string, string>;
}

const oneLine = (header: string | null | undefined) =>
  typeof header === 'string' ? singleLine(header) : header;

/**
 * The outbox row for a message. The subject, From and Reply-To become headers: a title or name
 * with a newline in it must not start another header line, so each is folded to one line here,
 * for every mail (firmEnvelope already refuses them; this is the second lock).
 */
export function outboxRow(message: EmailMessage) {
  const payload = {
    ...message,
    subject: singleLine(message.subject),
    from: oneLine(message.from),
    fallbackFrom: oneLine(message.fallbackFrom),
    replyTo: oneLine(message.replyTo)
  };
  return { kind: message.kind, firmId: message.firmId ?? null, payload };
}

/**
 * An outbox row's message, in a query that left-joins outbox_message to outbox: rows written
 * since 0013 keep it in outbox_message; a row an older release wrote (during a rolling upgrade)
 * only in outbox.payload.
 */
export const outboxPayload = sql`coalesce(${outboxMessage.payload}, ${outbox.payload})`;

/** An outbox row to write: a mail (outboxRow) or a push (enqueuePush). */
export interface OutboxInsert {
  kind: string;
  firmId: string | null;
  channel?: OutboxChannel;
  payload: unknown;
  /** A second row with the same key is not written (see enqueueEmailOnce). */
  idempotencyKey?: string | null;
}

/**
 * Writes outbox rows and their messages (outbox_message), one statement per 1,000 rows. Returns
 * the ids of the rows written in the order of `rows`; a row whose idempotency key is taken is
 * not written and has no id in the answer.
 */
export async function insertOutboxRows(tx: Db, rows: OutboxInsert[]): Promise<number[]> {
  const ids: number[] = [];
  // The rows go as one JSON parameter, not a VALUES list of a parameter per column: building
  // that list cost more than the database's whole insert. Ids are drawn first, in the rows'
  // order, so that each message is written beside its own row.
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = JSON.stringify(rows.slice(i, i + 1000));
    const inserted = await tx.execute(sql`
      with m as materialized (
        select nextval('outbox_id_seq') as id, r.row, r.n
        from jsonb_array_elements(${batch}::jsonb) with ordinality as r(row, n)
        order by r.n
      ), o as (
        insert into outbox (id, firm_id, kind, channel, idempotency_key)
        select id, (row->>'firmId')::uuid, row->>'kind', coalesce(row->>'channel', 'email'),
          row->>'idempotencyKey'
        from m
        on conflict (idempotency_key) do nothing
        returning id
      ), p as (
        insert into outbox_message (outbox_id, payload)
        select o.id, m.row->'payload' from o join m on m.id = o.id
      )
      select o.id from o join m on m.id = o.id order by m.n`);
    ids.push(...rowsOf<{ id: number | string }>(inserted).map((r) => Number(r.id)));
  }
  return ids;
}

/**
 * Writes one outbox row inside the caller's transaction: the mail is sent if and only if the
 * transaction commits. Returns the outbox id.
 */
export async function enqueueEmail(tx: Db, message: EmailMessage): Promise<number> {
  const [id] = await insertOutboxRows(tx, [outboxRow(message)]);
  notifyEnqueued();
  return id;
}

/**
 * enqueueEmail for a message that must go at most once (a daily digest): the row is written only
 * if no outbox row holds `idempotencyKey` yet; otherwise nothing happens and null comes back. A
 * concurrent insert of the same key waits for the other transaction and then does nothing.
 */
export async function enqueueEmailOnce(
  tx: Db,
  message: EmailMessage,
  idempotencyKey: string
): Promise<number | null> {
  const [id] = await insertOutboxRows(tx, [{ ...outboxRow(message), idempotencyKey }]);
  if (id !== undefined) notifyEnqueued();
  return id ?? null;
}

/**
 * enqueueEmail for many messages in one statement (a packet published to many contacts).
 * Returns the outbox ids in the order of `messages`.
 */
export async function enqueueEmails(tx: Db, messages: EmailMessage[]): Promise<number[]> {
  if (!messages.length) return [];
  const ids = await insertOutboxRows(tx, messages.map(outboxRow));
  notifyEnqueued();
  return ids;
}

// In-process wake-up for this process's worker, so mail leaves at once rather than at the next
// poll. Only an optimisation: the row may not be committed yet, and other processes rely on
// polling. Kept on globalThis because the server bundle and the CLI load separate module copies.
const KEY = Symbol.for('sheaf.email.enqueued');
const g = globalThis as { [KEY]?: Set<() => void> };

export function onEnqueued(listener: () => void): () => void {
  const listeners = (g[KEY] ??= new Set());
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Wakes this process's worker for rows just written (mail or push). */
export function notifyEnqueued() {
  if (!g[KEY]?.size) return;
  // Give the caller's transaction a moment to commit.
  setTimeout(() => g[KEY]?.forEach((listener) => listener()), 30).unref();
}
