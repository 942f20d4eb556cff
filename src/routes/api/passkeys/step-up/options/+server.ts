import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { stepUpOptions } from '$lib/server/auth/passkeys/ceremonies';
import { countPasskeys } from '$lib/server/auth/passkeys/credentials';
import { consumeRateLimit, LIMITS, rateLimitKey } from '$lib/server/auth/rate-limit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import type { RequestHandler } from './$types';

/** A step-up challenge for the signed-in user's own passkeys, bound to this session. */
export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const { user, session } = event.locals;
  if (!user || !session) return json({ error: 'Sign in first.' }, { status: 401 });
  const db = getDb();
  const limited = await consumeRateLimit(
    db,
    rateLimitKey('passkey-user', user.id),
    LIMITS.passkeyUser
  );
  if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
  if ((await countPasskeys(db, user.id)) === 0) {
    return json({ error: 'You have no passkey yet. Add one instead.' }, { status: 400 });
  }
  const options = await stepUpOptions(db, user.id, session.idHash);
  return json(options, { headers: { 'cache-control': 'no-store' } });
};
