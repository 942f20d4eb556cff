// Outbox rows with their messages, for tests that read the outbox directly. A row's message is in
// outbox_message, or in outbox.payload on a row an older release wrote; outboxPayload reads both.
import { eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db/client';
import { outbox, outboxMessage } from '../../src/lib/server/db/schema';
import { outboxPayload } from '../../src/lib/server/email/outbox';

/** `select ... from outbox` with each row's message as `payload`; chain where/orderBy as on a table. */
export function selectOutbox(db: Db) {
  return db
    .select({ ...getTableColumns(outbox), payload: outboxPayload })
    .from(outbox)
    .leftJoin(outboxMessage, eq(outboxMessage.outboxId, outbox.id));
}
