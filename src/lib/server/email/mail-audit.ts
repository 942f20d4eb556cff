// Mail on the audit log: sent, refused, delivered, bounced. One event per message (per delivery
// when a packet mail carries one), about its packet when it carries a delivery, otherwise about
// the user it went to. Written in the same statement that moves the outbox row, or in the
// webhook's transaction, so an event is recorded exactly when the status changes.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';

/**
 * The audit rows for messages `source` yields (columns id, firm_id, kind, recipient, and
 * optionally error): joins each to its delivery and user. `extra` is merged into each event's
 * data (a jsonb expression).
 */
function auditRowsFrom(action: string, source: SQL, extra: SQL = sql`'{}'::jsonb`): SQL {
  return sql`
    insert into audit_event (firm_id, action, subject, data)
    select m.firm_id, ${action},
      coalesce('packet:' || d.packet_id, 'user:' || u.id),
      jsonb_strip_nulls(jsonb_build_object(
        'outboxId', m.id, 'type', m.kind, 'to', m.recipient, 'version', d.version,
        'contactId', d.contact_id, 'deliveryId', d.id, 'error', m.error
      )) || ${extra}
    from (${source}) m
    left join delivery d on d.outbox_id = m.id
    left join "user" u on u.email = m.recipient`;
}

/**
 * Runs an `update outbox o ...` (without RETURNING) and audits each mail it changed, in one
 * statement: rows another worker holds are untouched and so not audited. Pushes (a notice on a
 * device beside a mail) are not audited.
 */
export async function updateOutboxAudited(tx: Db, update: SQL, action: string): Promise<void> {
  await tx.execute(sql`
    with moved as (${update}
      returning o.id, o.firm_id, o.kind, o.payload->>'to' as old_recipient, o.last_error as error,
        o.channel)
    ${auditRowsFrom(
      action,
      sql`select moved.id, firm_id, kind, coalesce(p.payload->>'to', old_recipient) as recipient,
        error
      from moved left join outbox_message p on p.outbox_id = moved.id
      where channel = 'email'`
    )}`);
}

/** Audits a provider report (delivered, bounced) about every message with this MessageID. */
export async function auditMailReport(
  tx: Db,
  messageId: string,
  action: string,
  details: Record<string, string | null>
): Promise<void> {
  const source = sql`
    select o.id, o.firm_id, o.kind, coalesce(p.payload, o.payload)->>'to' as recipient,
      null::text as error
    from outbox o left join outbox_message p on p.outbox_id = o.id
    where o.provider_message_id = ${messageId}`;
  const extra = sql`jsonb_strip_nulls(${JSON.stringify({ messageId, ...details })}::jsonb)`;
  await tx.execute(auditRowsFrom(action, source, extra));
}
