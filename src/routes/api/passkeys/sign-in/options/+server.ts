import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { ensurePasskeyBinding } from '$lib/server/auth/cookies';
import { signInOptions } from '$lib/server/auth/passkeys/ceremonies';
import { consumeRateLimit, ipRateLimitKey, LIMITS } from '$lib/server/auth/rate-limit';
import { clientIp } from '$lib/server/auth/request-meta';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import type { RequestHandler } from './$types';

/** A sign-in challenge for this browser; lists no passkeys, so it says nothing about anyone. */
export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const db = getDb();
  const limited = await consumeRateLimit(
    db,
    ipRateLimitKey('passkey-options-ip', clientIp(event)),
    LIMITS.passkeyOptionsIp
  );
  if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
  const options = await signInOptions(db, ensurePasskeyBinding(event.cookies));
  return json(options, { headers: { 'cache-control': 'no-store' } });
};
