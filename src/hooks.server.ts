import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { startApp } from '$lib/server/app';
import { ConfigError, getConfig } from '$lib/server/config';
import { DatabaseBusyError, getDb } from '$lib/server/db/client';
import {
  isDatabaseTimeout,
  isDatabaseUnavailable,
  UNAVAILABLE_MESSAGE,
  unavailableResponse
} from '$lib/server/db/unavailable';
import { bodyLimitFor, limitRequestBody } from '$lib/server/http/body-limit';
import { lingerAfterAnswer } from '$lib/server/http/linger';
import { offlineKey } from '$lib/server/offline-key';
import { CLIENT_DATA_PATH, USER_HEADER } from '$lib/offline/names';
import { clearAuthCookies, sessionTokenOf, setSessionCookie } from '$lib/server/auth/cookies';
import { validateSessionToken } from '$lib/server/auth/session';
import { isUuid } from '$lib/server/db/prepared';
import { getRequestEvent } from '$app/server';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';
import { rememberLocale, signedOutLocale } from '$lib/server/i18n/locale-cookie';

// Pages and actions speak the language resolved for their request (`language` below; a page
// that knows better, like a link's, may set locals.locale in its load). Outside a request
// (mail, push) there is no request language: every message call there passes { locale }.
overwriteGetLocale(() => getRequestEvent().locals.locale);

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

/**
 * A hook's own database read that found PostgreSQL out of reach answers 503 with Retry-After
 * (logged); any other error is thrown on.
 */
function answerUnavailable(event: RequestEvent, error: unknown): Response {
  if (!isDatabaseUnavailable(error)) throw error;
  console.error(
    `[503] ${event.request.method} ${event.url.pathname}: database unavailable`,
    ...(isDatabaseTimeout(error) ? [error] : [])
  );
  // The session's own read may have failed before the language was known: the database-free one.
  const locale =
    event.locals.locale ??
    signedOutLocale(event.cookies, event.request.headers.get('accept-language'));
  return unavailableResponse(event.request, locale);
}

// The session, its user and the language its pages speak, in one statement. A page naming a
// packet passes it: for a contact of several firms, the packet's firm decides the language.
const session: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  event.locals.session = null;
  const token = sessionTokenOf(event.cookies);
  if (token && !event.url.pathname.startsWith('/api/healthz')) {
    const packetId = event.params.packetId;
    let result;
    try {
      result = await validateSessionToken(
        getDb(),
        token,
        packetId && isUuid(packetId) ? packetId : null
      );
    } catch (error) {
      return answerUnavailable(event, error);
    }
    if (result.session) {
      event.locals.user = result.user;
      event.locals.session = result.session;
      event.locals.locale = result.locale;
      if (result.fresh) setSessionCookie(event.cookies, token, result.session.expiresAt);
    } else {
      clearAuthCookies(event.cookies, 'session');
    }
  }
  return resolve(event);
};

const isEntry = (path: string) => path.includes('/immutable/entry/');

// Which language the request's pages speak (server/i18n/contact-locale.ts has the precedence):
// a signed-in person's was read with their session; anyone else's comes from the cookie a
// client's pages left, else the browser's languages. `<html lang>` and Content-Language follow.
const language: Handle = async ({ event, resolve }) => {
  if (event.locals.session) {
    const api = event.route.id?.startsWith('/api/');
    if (event.locals.session.kind === 'client' && !api) {
      rememberLocale(event.cookies, event.locals.locale);
    }
  } else {
    event.locals.locale = signedOutLocale(
      event.cookies,
      event.request.headers.get('accept-language')
    );
  }
  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%sheaf.lang%', event.locals.locale),
    // Kit's default (JS and CSS), but a page that wants its picture first gets only the entry
    // modules preloaded: over HTTP/1.1 a browser fetches six files at a time from a host, and
    // two dozen modulepreloads queued the viewer's page-1 picture behind them.
    preload: ({ type, path }) =>
      type === 'css' || (type === 'js' && (!event.locals.pictureFirst || isEntry(path)))
  });
  // Said on pages and their data too: the service worker keeps the last one for what it shows
  // on its own, offline (offline/page-locale.ts).
  if (event.isDataRequest || response.headers.get('content-type')?.startsWith('text/html')) {
    response.headers.set('Content-Language', event.locals.locale);
  }
  return response;
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
  const html = h.get('Content-Type')?.startsWith('text/html');
  if (!h.has('Cache-Control') && html) {
    h.set('Cache-Control', 'no-store');
  }
  // Whose saved packets the service worker may show on this device (names.ts: SERVED_USER_URL).
  if (html || CLIENT_DATA_PATH.test(event.url.pathname)) {
    h.set(USER_HEADER, event.locals.user ? offlineKey(event.locals.user.id) : '-');
  }
  return response;
};

// A request whose load, action or endpoint found the database out of reach (handleError marked
// it) answers 503 with Retry-After rather than 500: the error page already says to try again.
const unavailable: Handle = async ({ event, resolve }) => {
  event.locals.databaseUnavailable = false;
  const response = await resolve(event);
  if (!event.locals.databaseUnavailable || response.status !== 500) return response;
  const headers = new Headers(response.headers);
  headers.set('Retry-After', '5');
  return new Response(response.body, { status: 503, headers });
};

// adapter-node's BODY_SIZE_LIMIT has to fit the largest PDF; every other route reads its body
// through a much smaller cap (http/body-limit.ts), so a signed-out visitor cannot make a form
// action buffer megabytes. A body not read to its end (refused, stalled, or not needed) closes
// the connection after the answer, rather than leaving the rest of it on the socket: cancelling
// the body instead would make adapter-node destroy the socket before the answer is sent, and
// the close lingers (http/linger.ts) so that the client reads the answer before the socket goes.
const bodyLimit: Handle = async ({ event, resolve }) => {
  if (!event.request.body) return resolve(event);
  const limit = bodyLimitFor(event);
  const idleMs = limit.routeLimits ? Infinity : getConfig().BODY_IDLE_TIMEOUT * 1000;
  const limited = limitRequestBody(event.request, limit, idleMs);
  event.request = limited.request;
  const response = await resolve(event);
  if (limited.finished()) return response;
  if (event.platform?.req) lingerAfterAnswer(event.platform.req);
  try {
    response.headers.set('Connection', 'close');
    return response;
  } catch {
    // Immutable headers (a fetched response): copy them.
    const headers = new Headers(response.headers);
    headers.set('Connection', 'close');
    return new Response(response.body, { status: response.status, headers });
  }
};

export const handle = sequence(bodyLimit, unavailable, session, language, securityHeaders);

export const handleError: HandleServerError = ({ error, event, status }) => {
  // A client's mistake (an unknown page, 405, 413 too large, 400 malformed): say so, in the
  // request's language, without an error id in the logs. (The error page words 5xx itself.)
  const locale = event.locals.locale ?? baseLocale;
  if (status === 404) return { message: m.error_page_not_found({}, { locale }) };
  if (status < 500) return { message: m.error_request_refused({}, { locale }) };
  const id = crypto.randomUUID().slice(0, 8);
  if (isDatabaseUnavailable(error)) {
    event.locals.databaseUnavailable = true;
    // A timeout names its statement (which one ran away, or what it waited for): worth the trace.
    console.error(
      `[error ${id}] ${event.request.method} ${event.url.pathname}: database unavailable`,
      ...(isDatabaseTimeout(error) ? [error] : [])
    );
    return { message: UNAVAILABLE_MESSAGE, id, unavailable: true };
  }
  console.error(`[error ${id}] ${event.request.method} ${event.url.pathname}`, error);
  return { message: 'Something went wrong on our side.', id };
};
