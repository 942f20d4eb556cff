import { json } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import {
  clearAuthCookies,
  clearPasskeyBinding,
  passkeyBindingOf,
  setSessionCookie
} from '$lib/server/auth/cookies';
import { verifyAssertion } from '$lib/server/auth/passkeys/ceremonies';
import { passkeyFailureMessage } from '$lib/server/auth/passkeys/messages';
import { parseAuthenticationResponse } from '$lib/server/auth/passkeys/response';
import { startSessionFromPasskey } from '$lib/server/auth/passkeys/sign-in';
import { consumeRateLimit, ipRateLimitKey, LIMITS } from '$lib/server/auth/rate-limit';
import { requestMeta } from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import { readJsonBody } from '$lib/server/http/json-body';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import { m } from '$lib/paraglide/messages';
import type { RequestHandler } from './$types';

/**
 * Signs in with a passkey: JSON in { response, next }, out { redirectTo } with the session
 * cookie set, as an emailed link does. Only the browser that asked for the challenge may answer.
 */
export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const db = getDb();
  const meta = requestMeta(event);
  const limited = await consumeRateLimit(
    db,
    ipRateLimitKey('passkey-signin-ip', meta.ip),
    LIMITS.passkeySignInIp
  );
  if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
  const body = (await readJsonBody(event)) as { response?: unknown; next?: unknown } | null;
  const response = parseAuthenticationResponse(body?.response);
  if (!response) return json({ error: 'Send a passkey response.' }, { status: 400 });
  const binding = passkeyBindingOf(event.cookies);
  if (!binding) {
    return json({ error: passkeyFailureMessage('sign_in', 'challenge') }, { status: 400 });
  }
  const next = typeof body?.next === 'string' ? body.next : null;
  const result = await db.transaction(async (tx) => {
    const checked = await verifyAssertion(tx, {
      ceremony: 'sign_in',
      bindingHash: binding,
      userId: null,
      response
    });
    if (!checked.ok) {
      await recordAudit(tx, {
        action: 'auth.passkey_failed',
        ip: meta.ip,
        ua: meta.userAgent,
        data: { ceremony: 'sign_in', reason: checked.reason }
      });
      return { ok: false as const, reason: checked.reason };
    }
    const started = await startSessionFromPasskey(tx, {
      userId: checked.passkey.userId,
      passkeyId: checked.passkey.id,
      next,
      ...meta
    });
    return started ? { ok: true as const, started } : { ok: false as const, reason: null };
  });
  if (!result.ok) {
    const message = result.reason
      ? passkeyFailureMessage('sign_in', result.reason)
      : m.passkey_access_ended();
    return json({ error: message }, { status: result.reason === 'challenge' ? 400 : 401 });
  }
  const { started } = result;
  if (event.locals.session) await invalidateSession(db, event.locals.session.idHash);
  clearPasskeyBinding(event.cookies);
  clearAuthCookies(event.cookies, 'binding');
  setSessionCookie(event.cookies, started.token, started.session.expiresAt);
  return json({ redirectTo: started.redirectTo });
};
