import type { Db } from '../db/client';
import { outbox } from '../db/schema';

export interface EmailMessage {
  /** sign_in | invite | packet | packet_updated | reminder | reply | ...: also the Postmark Tag. */
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  from?: string;
  replyTo?: string | null;
  firmId?: string | null;
  metadata?: Record<string, string>;
}

/**
 * Writes one outbox row inside the caller's transaction: the mail is sent if and only if the
 * transaction commits. Returns the outbox id.
 */
export async function enqueueEmail(tx: Db, message: EmailMessage): Promise<number> {
  const [row] = await tx
    .insert(outbox)
    .values({ kind: message.kind, firmId: message.firmId ?? null, payload: message })
    .returning({ id: outbox.id });
  return row.id;
}
