import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { consumeMagicLinkByCode } from '$lib/server/auth/magic-link';
import { consumeRateLimits, LIMITS, rateLimitKey } from '$lib/server/auth/rate-limit';
import {
  bindingHashOf,
  clearAuthCookies,
  requestMeta,
  setSessionCookie,
  tooManyRequests
} from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import { startSessionFromLink } from '$lib/server/auth/sign-in';
import { recordAudit } from '$lib/server/audit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ cookies }) => {
  return { requested: bindingHashOf(cookies) !== null };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const code = String(form.get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      return fail(400, { message: 'Enter the 6 digits from the email.' });
    }
    const bindingHash = bindingHashOf(event.cookies);
    if (!bindingHash) {
      return fail(400, {
        message: 'Codes only work in the browser that asked for the link. Ask for a new one here.'
      });
    }
    const db = getDb();
    const meta = requestMeta(event);
    const limited = await consumeRateLimits(db, [
      [rateLimitKey('code-ip', meta.ip ?? 'unknown'), LIMITS.codeAttemptsIp],
      [rateLimitKey('code-browser', bindingHash), LIMITS.codeAttemptsBrowser]
    ]);
    if (!limited.ok) tooManyRequests(event, limited.retryAfterSeconds);
    const result = await db.transaction(async (tx) => {
      const checked = await consumeMagicLinkByCode(tx, bindingHash, code);
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
    if (!result) return fail(400, { message: "That code isn't right. Check the newest email." });
    if (event.locals.session) await invalidateSession(db, event.locals.session.idHash);
    clearAuthCookies(event.cookies, 'binding');
    setSessionCookie(event.cookies, result.token, result.session.expiresAt);
    redirect(303, result.redirectTo);
  }
};
