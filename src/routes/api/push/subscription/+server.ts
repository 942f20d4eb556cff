import { error, isHttpError, json } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import {
  parseSubscription,
  removeSessionPushSubscription,
  savePushSubscription,
  sessionHasPushSubscription
} from '$lib/server/push/subscriptions';
import { vapidKeys } from '$lib/server/push/vapid';
import type { RequestEvent, RequestHandler } from './$types';

// This device's push subscription, kept with its session. GET: the key to subscribe with and
// whether this session has one; POST: save (or replace) it; DELETE: turn this device's off.
const NO_STORE = { 'Cache-Control': 'no-store' };

function signedIn(event: RequestEvent) {
  const { user, session } = event.locals;
  if (!user || !session) error(401, 'Sign in first.');
  return { user, session };
}

export const GET: RequestHandler = async (event) => {
  const { session } = signedIn(event);
  const db = getDb();
  const [{ publicKey }, subscribed] = await Promise.all([
    vapidKeys(db, getConfig()),
    sessionHasPushSubscription(db, session.idHash)
  ]);
  return json({ publicKey, subscribed }, { headers: NO_STORE });
};

export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const { user, session } = signedIn(event);
  let body: unknown;
  try {
    body = await event.request.json();
  } catch (e) {
    if (isHttpError(e)) throw e; // the body cap's 413, or 408 for a body that stopped arriving
    return json({ message: 'Send the subscription as JSON.' }, { status: 400 });
  }
  const parsed = parseSubscription(body, getConfig().pushAllowLoopback);
  if (!parsed.ok) return json({ message: parsed.message }, { status: 400 });
  const userAgent = event.request.headers.get('user-agent');
  await savePushSubscription(getDb(), user.id, session.idHash, parsed.subscription, userAgent);
  return json({ subscribed: true }, { status: 201, headers: NO_STORE });
};

export const DELETE: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const { session } = signedIn(event);
  await removeSessionPushSubscription(getDb(), session.idHash);
  return json({ subscribed: false }, { headers: NO_STORE });
};
