// Sends push outbox rows to the browsers' push services: the payload encrypted for the device
// (aes128gcm, RFC 8291) and signed with the VAPID key (RFC 8292) by web-push, posted with a
// deadline. What the push service answers decides the row: 2xx sent; 404/410 the subscription
// has ended (it is deleted, the row is not retried); 429/5xx, timeouts and refused connections
// are retried like mail; other refusals are permanent.
import { inArray, sql } from 'drizzle-orm';
import webpush from 'web-push';
import type { Db } from '../db/client';
import { pushSubscription } from '../db/schema';
import { fetchWithDeadline } from '../deadline-fetch';
import type { SendOptions, SendResult } from '../email/transport';
import type { PushPayload } from './outbox';
import type { VapidKeys } from './vapid';

/** One claimed push row. */
export interface OutgoingPush {
  id: number;
  kind: string;
  message: PushPayload;
}

export interface PushTransport {
  name: 'push';
  maxBatch: number;
  /** Never throws for a push service's problem: it reports it per message. */
  send(messages: OutgoingPush[], options?: SendOptions): Promise<SendResult[]>;
}

export interface PushTransportOptions {
  keys: () => Promise<VapidKeys>;
  /** Each push service call is abandoned after this long (default 15 s). */
  timeoutMs?: number;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
}

type Subscription = typeof pushSubscription.$inferSelect;

export function createPushTransport(db: Db, options: PushTransportOptions): PushTransport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const concurrency = options.concurrency ?? 8;
  return {
    name: 'push',
    maxBatch: 100,
    async send(messages, sendOptions = {}) {
      const keys = await options.keys();
      const ids = [...new Set(messages.map((m) => m.message.subscriptionId))];
      const subscriptions = new Map(
        (await db.select().from(pushSubscription).where(inArray(pushSubscription.id, ids))).map(
          (s) => [s.id, s]
        )
      );
      const post = fetchWithDeadline(timeoutMs, sendOptions.signal);
      const results: SendResult[] = new Array(messages.length);
      let next = 0;
      const lane = async () => {
        while (next < messages.length) {
          const i = next++;
          const to = subscriptions.get(messages[i].message.subscriptionId);
          results[i] = to
            ? await pushOne(db, post, keys, to, messages[i].message)
            : { status: 'failed', error: 'The device no longer gets notifications.' };
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, lane));
      const reached = messages
        .filter((m, i) => results[i].status === 'sent')
        .map((m) => m.message.subscriptionId);
      if (reached.length) {
        await db
          .update(pushSubscription)
          .set({ lastSentAt: sql`now()` })
          .where(inArray(pushSubscription.id, [...new Set(reached)]));
      }
      return results;
    }
  };
}

/** The JSON the service worker reads: what to show and where a tap goes, nothing more. */
export function pushBody(message: PushPayload): string {
  const { title, body, url, tag } = message;
  return JSON.stringify({ title, body, url, tag });
}

async function pushOne(
  db: Db,
  post: typeof fetch,
  keys: VapidKeys,
  to: Subscription,
  message: PushPayload
): Promise<SendResult> {
  let response: Response;
  try {
    const request = webpush.generateRequestDetails(
      { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
      pushBody(message),
      {
        vapidDetails: keys,
        TTL: message.ttlSeconds,
        urgency: message.urgency,
        topic: message.topic,
        contentEncoding: 'aes128gcm'
      }
    );
    const headers = Object.entries(request.headers)
      // fetch sets the length from the body itself.
      .filter(([name]) => name.toLowerCase() !== 'content-length')
      .map(([name, value]): [string, string] => [name, String(value)]);
    response = await post(to.endpoint, {
      method: 'POST',
      headers,
      body: new Uint8Array(request.body)
    });
  } catch (error) {
    return { status: 'retry', error: `Push service: ${describe(error)}` };
  }
  const status = response.status;
  if (status >= 200 && status < 300) {
    return { status: 'sent', messageId: response.headers.get('location') ?? '' };
  }
  if (status === 404 || status === 410) {
    // Only this endpoint's row: the device may have subscribed again since.
    await db
      .delete(pushSubscription)
      .where(
        sql`${pushSubscription.id} = ${to.id} and ${pushSubscription.endpoint} = ${to.endpoint}`
      );
    return { status: 'failed', error: `Push service ${status}: the subscription has ended` };
  }
  const error = `Push service ${status}: ${(await response.text()).slice(0, 200)}`.trim();
  if (status === 429 || status >= 500) return { status: 'retry', error };
  return { status: 'failed', error };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
