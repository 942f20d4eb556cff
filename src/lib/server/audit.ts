import type { Db } from './db/client';
import { auditEvent } from './db/schema';

export interface AuditEntry {
  action: string;
  firmId?: string | null;
  actorId?: string | null;
  subject?: string | null;
  ip?: string | null;
  ua?: string | null;
  data?: Record<string, unknown> | null;
}

/** Appends one event to the audit log (inside the caller's transaction when given one). */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvent).values({
    action: entry.action,
    firmId: entry.firmId ?? null,
    actorId: entry.actorId ?? null,
    subject: entry.subject ?? null,
    ip: entry.ip ?? null,
    ua: entry.ua?.slice(0, 512) ?? null,
    data: entry.data ?? null
  });
}
