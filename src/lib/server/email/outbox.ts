import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { outbox } from '../db/schema';
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
 * Writes one outbox row inside the caller's transaction: the mail is sent if and only if the
 * transaction commits. Returns the outbox id.
 */
export async function enqueueEmail(tx: Db, message: EmailMessage): Promise<number> {
  const [row] = await tx.insert(outbox).values(outboxRow(message)).returning({ id: outbox.id });
  notifyEnqueued();
  return row.id;
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
  const [row] = await tx
    .insert(outbox)
    .values({ ...outboxRow(message), idempotencyKey })
    .onConflictDoNothing({ target: outbox.idempotencyKey })
    .returning({ id: outbox.id });
  if (row) notifyEnqueued();
  return row?.id ?? null;
}

/**
 * enqueueEmail for many messages in one statement (a packet published to many contacts).
 * Returns the outbox ids in the order of `messages`.
 */
export async function enqueueEmails(tx: Db, messages: EmailMessage[]): Promise<number[]> {
  if (!messages.length) return [];
  const ids: number[] = [];
  // The rows go as one JSON parameter, not a VALUES list of a parameter per column: building
  // that list cost more than the database's whole insert. Ids are drawn after the sort, in the
  // messages' order, and RETURNING gives them in insertion order.
  for (let i = 0; i < messages.length; i += 1000) {
    const rows = JSON.stringify(messages.slice(i, i + 1000).map(outboxRow));
    const inserted = await tx.execute(sql`
      insert into outbox (firm_id, kind, payload)
      select (m.message->>'firmId')::uuid, m.message->>'kind', m.message->'payload'
      from jsonb_array_elements(${rows}::jsonb) with ordinality as m(message, n)
      order by m.n
      returning id`);
    ids.push(...rowsOf<{ id: number | string }>(inserted).map((r) => Number(r.id)));
  }
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
