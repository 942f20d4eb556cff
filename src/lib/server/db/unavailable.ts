// Is this error the database being out of reach (stopped, restarting, network cut, no free
// connection slot) rather than a bug? Such requests answer 503 with Retry-After, at once.
import { baseLocale, type Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // postgres.js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED'
]);

// SQLSTATE: class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
// connect now: starting up, shutting down, in recovery).
const SERVER_GONE = /^(08...|57P0[1-3])$/;
// 53300: too many connections. Out of reach for this request, but the server is up.
const TOO_MANY = '53300';
// 57014: cancelled, by the pool's statement_timeout here; 55P03: lock_timeout. The server is up
// but this request's statement gave up (client.ts): the request answers 503, the breaker stays shut.
const TIMED_OUT = new Set(['57014', '55P03']);
// resilient-postgres.ts: failed at once because the database was just found out of reach.
const BREAKER_OPEN = 'DATABASE_UNAVAILABLE';

function someCode(error: unknown, test: (code: string) => boolean): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && test(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The database itself is unreachable, stopping or starting (not merely busy): a breaker opens. */
export function isConnectionFailure(error: unknown): boolean {
  return someCode(error, (code) => NETWORK_CODES.has(code) || SERVER_GONE.test(code));
}

/** A statement ran past the statement timeout or waited past the lock timeout. */
export function isDatabaseTimeout(error: unknown): boolean {
  return someCode(error, (code) => TIMED_OUT.has(code));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return someCode(
    error,
    (code) =>
      NETWORK_CODES.has(code) ||
      SERVER_GONE.test(code) ||
      TIMED_OUT.has(code) ||
      code === TOO_MANY ||
      code === BREAKER_OPEN
  );
}

export const UNAVAILABLE_MESSAGE =
  'Sheaf is briefly unavailable. Nothing you did caused this; please try again in a moment.';

/**
 * The 503 for a request that found the database out of reach before any page could render: a
 * page in `locale` (read without the database: the locale cookie or Accept-Language) for
 * browsers, JSON for the rest.
 */
export function unavailableResponse(request: Request, locale: Locale = baseLocale): Response {
  const headers = {
    'Retry-After': '5',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  };
  if (!(request.headers.get('accept') ?? '').includes('text/html')) {
    return Response.json({ message: UNAVAILABLE_MESSAGE }, { status: 503, headers });
  }
  const title = m.error_unavailable({}, { locale });
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{margin:0;font:17px/1.5 system-ui,sans-serif;background:#f7f7f4;color:#1c1f1e}
main{max-width:32rem;margin:0 auto;padding:12vh 20px}h1{font-size:1.5rem;margin:0 0 .5rem}
a{display:inline-block;margin-top:1rem;padding:12px 20px;border-radius:10px;background:#1f6f5c;color:#fff;text-decoration:none}
@media (prefers-color-scheme:dark){body{background:#141716;color:#e9ece9}}</style></head>
<body><main><h1>${title}</h1><p>${m.error_server_body({}, { locale })}</p>
<a href="">${m.try_again({}, { locale })}</a></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': locale,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'"
    }
  });
}
