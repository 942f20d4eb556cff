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

/** A fresh binding cookie for a browser asking for a link; returns the hash to store. */
export function setBindingCookie(cookies: Cookies): string {
  const token = generateToken(20);
  cookies.set(BINDING_COOKIE, token, bindingCookieOptions(getConfig().secureCookies));
  return hashToken(token);
}

export function bindingHashOf(cookies: Cookies): string | null {
  const token = cookies.get(BINDING_COOKIE);
  return token && token.length <= 100 ? hashToken(token) : null;
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
