// What the registration and step-up challenge routes both check first: same origin, a signed-in
// session, and the per-user passkey rate limit.
import { json, type RequestEvent } from '@sveltejs/kit';
import { getDb, type Db } from '../../db/client';
import type { Session } from '../../db/schema';
import { requireSameOrigin } from '../../http/same-origin';
import { tooManyRequests } from '../../http/too-many-requests';
import { consumeRateLimit, LIMITS, rateLimitKey } from '../rate-limit';
import type { SessionUser } from '../session';
import { m } from '../../../paraglide/messages.js';

export interface ChallengeRequester {
  db: Db;
  user: SessionUser;
  session: Session;
}

/** The signed-in requester of a challenge for their own passkeys, or the answer refusing them. */
export async function challengeRequester(
  event: RequestEvent
): Promise<ChallengeRequester | Response> {
  requireSameOrigin(event);
  const { user, session } = event.locals;
  if (!user || !session) return json({ error: m.err_sign_in_first() }, { status: 401 });
  const db = getDb();
  const limited = await consumeRateLimit(
    db,
    rateLimitKey('passkey-user', user.id),
    LIMITS.passkeyUser
  );
  if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
  return { db, user, session };
}
