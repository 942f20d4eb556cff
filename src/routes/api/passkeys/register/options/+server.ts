import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { registrationOptions } from '$lib/server/auth/passkeys/ceremonies';
import { passkeyChangesAllowed } from '$lib/server/auth/passkeys/step-up';
import { consumeRateLimit, LIMITS, rateLimitKey } from '$lib/server/auth/rate-limit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import type { RequestHandler } from './$types';

/** A registration challenge for the signed-in user, bound to this session. */
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
  if (!(await passkeyChangesAllowed(db, user.id, session))) {
    return json({ error: 'Confirm with your passkey first.' }, { status: 403 });
  }
  const options = await registrationOptions(db, user, session.idHash);
  return json(options, { headers: { 'cache-control': 'no-store' } });
};
