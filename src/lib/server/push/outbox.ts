// Pushes ride the outbox like mail: one row per device (channel 'push'), written in the caller's
// transaction, so a push goes if and only if its event commits, and the worker sends it with the
// same claims, retries and give-up rules. The row names the subscription, not its keys: a device
// signed out before the worker gets to it is simply not sent to.
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { pushSubscription } from '../db/schema';
import { insertOutboxRows, notifyEnqueued } from '../email/outbox';
import { singleLine } from '../../format/words';

/**
 * What the device shows. A lock screen shows it to anyone nearby: a firm's name and a packet's
 * title at most, never a document's contents, an amount or a message's words.
 */
export interface PushNotice {
  title: string;
  body: string;
  /** Where a tap goes: a same-origin path such as /p/<id>. */
  url: string;
  /** A newer notice with the same tag replaces the older one on the device. */
  tag: string;
}

export interface PushMessage extends PushNotice {
  /** The outbox kind, as the mail for the same event: packet, reply, alert_question... */
  kind: string;
  firmId?: string | null;
  /**
   * The push service keeps only the newest undelivered message with the same topic (a phone
   * that was off gets one notice per packet). Up to 32 base64url characters.
   */
  topic?: string;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** How long the push service keeps trying to deliver, in seconds. */
  ttlSeconds?: number;
}

/** An outbox row's payload on the push channel: one message to one subscription. */
export interface PushPayload extends Omit<PushMessage, 'kind' | 'firmId'> {
  subscriptionId: string;
}

const DAY_S = 24 * 3600;

/**
 * Writes one push outbox row for each device of these users, inside the caller's transaction.
 * With `idempotencyKey`, each device gets the message at most once however often this runs.
 * Returns how many rows were written (0 for users with no device subscribed).
 */
export async function enqueuePush(
  tx: Db,
  userIds: string | string[],
  message: PushMessage,
  idempotencyKey?: string
): Promise<number> {
  const ids = [...new Set(Array.isArray(userIds) ? userIds : [userIds])];
  if (!ids.length) return 0;
  const devices = await tx
    .select({ id: pushSubscription.id })
    .from(pushSubscription)
    .where(
      ids.length === 1 ? eq(pushSubscription.userId, ids[0]) : inArray(pushSubscription.userId, ids)
    );
  if (!devices.length) return 0;
  const { kind, firmId, ...rest } = message;
  const notice = { ...rest, title: singleLine(rest.title), body: singleLine(rest.body) };
  const rows = devices.map((d) => ({
    kind,
    firmId: firmId ?? null,
    channel: 'push' as const,
    payload: {
      urgency: 'normal',
      ttlSeconds: DAY_S,
      ...notice,
      subscriptionId: d.id
    } satisfies PushPayload,
    idempotencyKey: idempotencyKey ? `${idempotencyKey}:${d.id}` : null
  }));
  const written = await insertOutboxRows(tx, rows);
  if (written.length) notifyEnqueued();
  return written.length;
}
