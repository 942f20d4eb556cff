import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config';
import { safeEqual } from '../auth/token';
import type { Db } from '../db/client';
import { delivery, emailEvent, outbox } from '../db/schema';
import { auditMailReport } from './mail-audit';

/**
 * Basic auth for Postmark's webhook calls. Without configured credentials the endpoint does not
 * exist ('missing' -> 404): an unauthenticated webhook would let anyone rewrite delivery status.
 */
export function checkWebhookAuth(
  config: Pick<Config, 'POSTMARK_WEBHOOK_USER' | 'POSTMARK_WEBHOOK_PASSWORD'>,
  authorization: string | null
): 'ok' | 'unauthorized' | 'missing' {
  const user = config.POSTMARK_WEBHOOK_USER;
  const password = config.POSTMARK_WEBHOOK_PASSWORD;
  if (!user || !password) return 'missing';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return 'unauthorized';
  const given = Buffer.from(match[1], 'base64').toString('utf8');
  return safeEqual(given, `${user}:${password}`) ? 'ok' : 'unauthorized';
}

export type PostmarkEvent = Record<string, unknown> & { RecordType?: unknown; MessageID?: unknown };

// Bounce types that mean the address will never take mail; the rest (SoftBounce, Transient,
// DnsError, AutoResponder...) leave the delivery 'sent' with a note.
const HARD_BOUNCES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked']);

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export type WebhookOutcome = 'recorded' | 'repeated' | 'ignored';

/** Stores one Postmark event once (by its dedupe key) and moves the delivery it concerns. */
export async function recordPostmarkEvent(db: Db, event: PostmarkEvent): Promise<WebhookOutcome> {
  const type = typeof event.RecordType === 'string' ? event.RecordType : '';
  const messageId = typeof event.MessageID === 'string' ? event.MessageID : '';
  if (!['Delivery', 'Bounce', 'SpamComplaint'].includes(type) || !messageId) return 'ignored';
  const when = str(event.DeliveredAt) || str(event.BouncedAt);
  const at = when && !Number.isNaN(Date.parse(when)) ? new Date(when) : new Date();
  const dedupeKey =
    type === 'Delivery'
      ? `Delivery:${messageId}:${str(event.Recipient)}:${when}`
      : `${type}:${str(event.ID) || `${messageId}:${when}`}`;

  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(emailEvent)
      .values({ providerMessageId: messageId, type, dedupeKey, at, raw: event })
      .onConflictDoNothing({ target: emailEvent.dedupeKey })
      .returning({ id: emailEvent.id });
    if (!inserted.length) return 'repeated';
    // If the worker has not yet stored this MessageID (Postmark's batch answer is still on its
    // way), this matches nothing; the worker applies the stored event when it records the send.
    await applyPostmarkEvent(tx, event);
    return 'recorded';
  });
}

/**
 * Moves the deliveries of the message an event is about, and audits the event for each outbox
 * row holding its MessageID. Called by the webhook for a new event (a replay never gets here),
 * and by the worker for events that arrived before it had stored the MessageID: then the
 * webhook's call found no row and audited nothing, so each report is audited once.
 */
export async function applyPostmarkEvent(tx: Db, event: PostmarkEvent): Promise<void> {
  const type = typeof event.RecordType === 'string' ? event.RecordType : '';
  const messageId = typeof event.MessageID === 'string' ? event.MessageID : '';
  if (!messageId) return;
  const outboxIds = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(eq(outbox.providerMessageId, messageId));
  const ofMessage = inArray(delivery.outboxId, outboxIds);
  const reportedAt = str(event.DeliveredAt) || str(event.BouncedAt) || null;
  if (type === 'Delivery') {
    await tx
      .update(delivery)
      .set({ status: 'delivered', statusDetail: null })
      .where(and(ofMessage, inArray(delivery.status, ['queued', 'sent'])));
    await auditMailReport(tx, messageId, 'email.delivered', { reportedAt });
  } else if (type === 'Bounce') {
    const bounceType = str(event.Type);
    const description = str(event.Description) || bounceType || 'Bounced';
    const hard = HARD_BOUNCES.has(bounceType) || event.Inactive === true;
    if (hard) {
      await tx
        .update(delivery)
        .set({ status: 'bounced', statusDetail: description })
        .where(ofMessage);
    } else {
      await tx
        .update(delivery)
        .set({ statusDetail: `Temporary problem (${bounceType || 'soft bounce'}): ${description}` })
        .where(and(ofMessage, inArray(delivery.status, ['queued', 'sent'])));
    }
    await auditMailReport(tx, messageId, hard ? 'email.bounced' : 'email.delayed', {
      reportedAt,
      bounceType: bounceType || null,
      description
    });
  } else if (type === 'SpamComplaint') {
    await tx
      .update(delivery)
      .set({
        status: 'bounced',
        statusDetail: 'Marked as spam by the recipient; Postmark will not mail this address again'
      })
      .where(ofMessage);
    await auditMailReport(tx, messageId, 'email.complained', { reportedAt });
  }
}
