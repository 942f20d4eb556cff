import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { consumeMagicLinkByCode, findCodeLink } from '$lib/server/auth/magic-link';
import {
  codeAddressKeyOfTag,
  consumeRateLimit,
  consumeRateLimits,
  describeWait,
  ipRateLimitKey,
  LIMITS,
  rateLimitKey
} from '$lib/server/auth/rate-limit';
import {
  bindingHashOf,
  bindingOf,
  clearAuthCookies,
  setSessionCookie
} from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import { invalidateSession } from '$lib/server/auth/session';
import { keepPushOnNewSession } from '$lib/server/push/subscriptions';
import { startSessionFromLink } from '$lib/server/auth/sign-in';
import { recordAudit } from '$lib/server/audit';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ cookies }) => {
  return { requested: bindingHashOf(cookies) !== null };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const code = String(form.get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      return fail(400, { message: m.err_enter_code() });
    }
    const binding = bindingOf(event.cookies);
    if (!binding) {
      return fail(400, {
        message: m.err_code_browser()
      });
    }
    const db = getDb();
    const meta = requestMeta(event);
    const limited = await consumeRateLimits(db, [
      [ipRateLimitKey('code-ip', meta.ip), LIMITS.codeAttemptsIp],
      [rateLimitKey('code-browser', binding.hash), LIMITS.codeAttemptsBrowser]
    ]);
    if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
    // A day's tries per address, whichever links, browsers and IPs they come from. Without a link
    // (no access, or a changed cookie) the cookie's tag names the bucket: the same answers.
    const link = await findCodeLink(db, binding.hash);
    const bucket = link?.codeBucket ?? codeAddressKeyOfTag(binding.codeTag ?? binding.hash);
    const capped = await consumeRateLimit(db, bucket, LIMITS.codeAttemptsAddress);
    if (!capped.ok) {
      event.setHeaders({ 'retry-after': String(capped.retryAfterSeconds) });
      return fail(429, {
        message: m.err_too_many_codes({
          wait: describeWait(capped.retryAfterSeconds, event.locals.locale)
        })
      });
    }
    const result = await db.transaction(async (tx) => {
      const checked = await consumeMagicLinkByCode(tx, link, code);
      if (!checked.ok) {
        if (checked.reason !== 'none') {
          await recordAudit(tx, {
            action: 'auth.code_failed',
            ip: meta.ip,
            ua: meta.userAgent,
            data: { killed: checked.reason === 'dead' }
          });
        }
        return null;
      }
      return startSessionFromLink(tx, checked.link, { ...meta, via: 'code' });
    });
    // The same answer whether the code was wrong, dead or never sent: it reveals nothing.
    if (!result) return fail(400, { message: m.err_code_wrong() });
    if (event.locals.session) {
      // The same person signing in again keeps this device's notifications.
      await keepPushOnNewSession(db, event.locals.session, result.session);
      await invalidateSession(db, event.locals.session.idHash);
    }
    clearAuthCookies(event.cookies, 'binding');
    setSessionCookie(event.cookies, result.token, result.session.expiresAt);
    redirect(303, result.redirectTo);
  }
};
