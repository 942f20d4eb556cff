// A device's push subscription belongs to the session it was made in: signing out of that device,
// or the session's end, removes it (the foreign key cascades). One row per push endpoint.
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { pushSubscription } from '../db/schema';

export type PushSubscriptionRow = typeof pushSubscription.$inferSelect;

/** What /account shows of a device's subscription: never its keys or endpoint. */
export interface PushDevice {
  id: string;
  userAgent: string | null;
  createdAt: Date;
  lastSentAt: Date | null;
  /** Made in the session this request comes from. */
  here: boolean;
}

export interface NewPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

const key = (bytes: number) =>
  z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64url').length === bytes
    );

const subscriptionSchema = z.object({
  endpoint: z.string().max(2048),
  keys: z.object({ p256dh: key(65), auth: key(16) })
});

export type ParsedSubscription =
  { ok: true; subscription: NewPushSubscription } | { ok: false; message: string };

/**
 * Checks a browser's PushSubscriptionJSON: an https endpoint (http only on 127.0.0.1, and only
 * when `allowLoopback`), a P-256 public key of 65 bytes and a 16-byte auth secret, base64url.
 * The server posts to whatever endpoint is saved, so nothing else is accepted.
 */
export function parseSubscription(input: unknown, allowLoopback: boolean): ParsedSubscription {
  const parsed = subscriptionSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, message: 'That is not a push subscription this browser could have made.' };
  }
  const { endpoint, keys } = parsed.data;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, message: 'The push endpoint is not a URL.' };
  }
  const loopback = url.protocol === 'http:' && url.hostname === '127.0.0.1' && allowLoopback;
  if ((url.protocol !== 'https:' && !loopback) || url.username || url.password) {
    return { ok: false, message: 'The push endpoint must be an https address.' };
  }
  // Push services are reached by name; an address or localhost points into someone's network.
  const literal =
    /^[\d.]+$|^\[|^localhost$/i.test(url.hostname) || url.hostname.endsWith('.localhost');
  if (literal && !loopback) {
    return { ok: false, message: 'The push endpoint must name a push service.' };
  }
  return {
    ok: true,
    subscription: {
      endpoint: url.href,
      p256dh: keys.p256dh.replace(/=+$/, ''),
      auth: keys.auth.replace(/=+$/, '')
    }
  };
}

/**
 * Saves this device's subscription for the user and session. An endpoint already saved (the
 * same browser subscribing again, or after another person signed in on it) is taken over.
 */
export async function savePushSubscription(
  db: Db,
  userId: string,
  sessionIdHash: string,
  subscription: NewPushSubscription,
  userAgent: string | null
): Promise<string> {
  const values = { userId, sessionIdHash, ...subscription, userAgent: userAgent?.slice(0, 512) };
  return db.transaction(async (tx) => {
    // A session has one device, so one subscription: a renewed one replaces the old.
    await tx.delete(pushSubscription).where(eq(pushSubscription.sessionIdHash, sessionIdHash));
    const [row] = await tx
      .insert(pushSubscription)
      .values(values)
      .onConflictDoUpdate({
        target: pushSubscription.endpoint,
        set: { ...values, createdAt: new Date(), lastSentAt: null }
      })
      .returning({ id: pushSubscription.id });
    return row.id;
  });
}

/** The user's devices that get pushes, newest first. */
export async function listPushDevices(
  db: Db,
  userId: string,
  sessionIdHash: string | null
): Promise<PushDevice[]> {
  const rows = await db
    .select({
      id: pushSubscription.id,
      userAgent: pushSubscription.userAgent,
      createdAt: pushSubscription.createdAt,
      lastSentAt: pushSubscription.lastSentAt,
      sessionIdHash: pushSubscription.sessionIdHash
    })
    .from(pushSubscription)
    .where(eq(pushSubscription.userId, userId))
    .orderBy(desc(pushSubscription.createdAt));
  return rows.map(({ sessionIdHash: s, ...r }) => ({ ...r, here: s === sessionIdHash }));
}

/** Removes one of the user's subscriptions; false when it is not theirs or already gone. */
export async function removePushSubscription(db: Db, userId: string, id: string) {
  const rows = await db
    .delete(pushSubscription)
    .where(and(eq(pushSubscription.userId, userId), eq(pushSubscription.id, id)))
    .returning({ id: pushSubscription.id });
  return rows.length > 0;
}

/** Removes the subscription made in this session (this device turning notifications off). */
export async function removeSessionPushSubscription(db: Db, sessionIdHash: string) {
  const rows = await db
    .delete(pushSubscription)
    .where(eq(pushSubscription.sessionIdHash, sessionIdHash))
    .returning({ id: pushSubscription.id });
  return rows.length > 0;
}

/** Whether this session (this device) has a subscription saved. */
export async function sessionHasPushSubscription(db: Db, sessionIdHash: string) {
  const rows = await db
    .select({ id: pushSubscription.id })
    .from(pushSubscription)
    .where(eq(pushSubscription.sessionIdHash, sessionIdHash))
    .limit(1);
  return rows.length > 0;
}

/**
 * A new sign-in in a browser replaces its session. When it is the same person (a packet link
 * tapped on the phone they are signed in on), this device's notifications stay on: the
 * subscription moves to the new session before the old one is deleted. Another person's
 * sign-in moves nothing, and the old session's subscription goes with it.
 */
export async function keepPushOnNewSession(
  db: Db,
  previous: { idHash: string; userId: string },
  next: { idHash: string; userId: string }
): Promise<void> {
  if (previous.userId !== next.userId || previous.idHash === next.idHash) return;
  await db
    .update(pushSubscription)
    .set({ sessionIdHash: next.idHash })
    .where(
      and(
        eq(pushSubscription.sessionIdHash, previous.idHash),
        eq(pushSubscription.userId, previous.userId)
      )
    );
}
