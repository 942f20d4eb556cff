import { error, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { describeWait } from './rate-limit';
import { getConfig } from '../config';
import { BINDING_COOKIE, bindingCookieOptions, sessionCookieOptions } from './session';
import { generateToken, hashToken } from './token';

/**
 * The client's IP as adapter-node sees it: the socket address, or the ADDRESS_HEADER
 * (e.g. x-forwarded-for) when the deployment sets one behind a proxy. Null when unknown.
 */
export function clientIp(event: RequestEvent): string | null {
  try {
    return event.getClientAddress();
  } catch {
    return null;
  }
}

export function requestMeta(event: RequestEvent) {
  return {
    ip: clientIp(event),
    userAgent: event.request.headers.get('user-agent')?.slice(0, 512) ?? null
  };
}

/** The request's address and user agent, as an audit entry names them. */
export const clientMeta = (event: RequestEvent) => ({
  ip: clientIp(event),
  ua: event.request.headers.get('user-agent')
});

/**
 * A fresh binding cookie for a browser asking for a link; returns the hash to store with the
 * link. `codeTag` (rate-limit.ts codeAddressTag) names the bucket its code tries count against.
 */
export function setBindingCookie(cookies: Cookies, codeTag: string): string {
  const token = `${generateToken(20)}.${codeTag}`;
  cookies.set(BINDING_COOKIE, token, bindingCookieOptions(getConfig().secureCookies));
  return hashToken(token);
}

export interface Binding {
  /** The hash stored with the links this browser asked for. */
  hash: string;
  /** The code-tries bucket named when the cookie was set (null in a malformed cookie). */
  codeTag: string | null;
}

/** The binding cookie, read; the tag is part of what is hashed, so changing it matches no link. */
export function bindingOf(cookies: Cookies): Binding | null {
  const token = cookies.get(BINDING_COOKIE);
  if (!token || token.length > 100) return null;
  const tag = token.split('.')[1] ?? '';
  return { hash: hashToken(token), codeTag: /^[0-9a-f]{32}$/.test(tag) ? tag : null };
}

export function bindingHashOf(cookies: Cookies): string | null {
  return bindingOf(cookies)?.hash ?? null;
}

/** The session token this browser sent, under the configured name only. */
export function sessionTokenOf(cookies: Cookies): string | undefined {
  return cookies.get(getConfig().sessionCookie);
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date) {
  const { sessionCookie, secureCookies } = getConfig();
  cookies.set(sessionCookie, token, sessionCookieOptions(expiresAt, secureCookies));
}

/** Deleted with the attributes they were set with: a __Host- cookie goes only with Secure. */
export function clearAuthCookies(cookies: Cookies, which: 'session' | 'binding' | 'both') {
  const { sessionCookie, secureCookies } = getConfig();
  const options = { path: '/', secure: secureCookies, httpOnly: true, sameSite: 'lax' } as const;
  if (which !== 'binding') cookies.delete(sessionCookie, options);
  if (which !== 'session') cookies.delete(BINDING_COOKIE, options);
}

/** The 429 page: says when to try again (and Retry-After says it to machines). */
export function tooManyRequests(event: RequestEvent, retryAfterSeconds: number): never {
  event.setHeaders({ 'retry-after': String(retryAfterSeconds) });
  error(429, `Too many attempts. Please try again ${describeWait(retryAfterSeconds)}.`);
}
