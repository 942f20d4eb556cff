import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { startApp } from '$lib/server/app';
import { ConfigError, getConfig } from '$lib/server/config';
import { DatabaseBusyError, getDb } from '$lib/server/db/client';
import {
  SESSION_COOKIE,
  sessionCookieOptions,
  validateSessionToken
} from '$lib/server/auth/session';

export const init: ServerInit = async () => {
  try {
    await startApp();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseBusyError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
};

const session: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  event.locals.session = null;
  const token = event.cookies.get(SESSION_COOKIE);
  if (token && !event.url.pathname.startsWith('/api/healthz')) {
    const result = await validateSessionToken(getDb(), token);
    if (result.session) {
      event.locals.user = result.user;
      event.locals.session = result.session;
      if (result.fresh) {
        event.cookies.set(
          SESSION_COOKIE,
          token,
          sessionCookieOptions(result.session.expiresAt, getConfig().secureCookies)
        );
      }
    } else {
      event.cookies.delete(SESSION_COOKIE, { path: '/' });
    }
  }
  return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const h = response.headers;
  if (event.locals.earlyLinks?.length) {
    const kit = h.get('link');
    h.set('link', [...event.locals.earlyLinks, ...(kit ? [kit] : [])].join(', '));
  }
  h.set('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form POSTs,
  // which SvelteKit's CSRF check rightly refuses. Links never leak to other sites either way.
  h.set('Referrer-Policy', 'same-origin');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  if (getConfig().secureCookies) {
    h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  }
  if (!h.has('Cache-Control') && h.get('Content-Type')?.startsWith('text/html')) {
    h.set('Cache-Control', 'no-store');
  }
  return response;
};

export const handle = sequence(session, securityHeaders);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status === 404) return { message: 'Not found' };
  const id = crypto.randomUUID().slice(0, 8);
  console.error(`[error ${id}] ${event.request.method} ${event.url.pathname}`, error);
  return { message: status >= 500 ? 'Something went wrong on our side.' : message, id };
};
