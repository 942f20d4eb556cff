// The sign-in cookies: the session cookie, named by the configuration (config.sessionCookie,
// __Host- prefixed under https), and the binding cookie of a browser that asked for a link.
import type { Cookies } from '@sveltejs/kit';
import { getConfig } from '../config';
import { generateToken, hashToken } from './token';

/** Marks the browser that asked for a sign-in link (its hash is stored with the link). */
export const BINDING_COOKIE = 'sheaf_bind';

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  sameSite: 'lax';
  secure: boolean;
  expires?: Date;
  maxAge?: number;
}

/**
 * HttpOnly, SameSite=Lax, Path=/, no Domain; Secure when the app is served over https (which the
 * __Host- prefix of the name then requires).
 */
export function sessionCookieOptions(expiresAt: Date, secure: boolean): CookieOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt };
}

/** The binding cookie lives as long as a sign-in link. */
export function bindingCookieOptions(secure: boolean): CookieOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60 };
}

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

/** Marks the browser that asked for a passkey sign-in challenge (its hash is stored with it). */
export const PASSKEY_BINDING_COOKIE = 'sheaf_passkey';

/**
 * This browser's passkey binding, made when missing and kept as long as a challenge lives: the
 * sign-in page's autofill and its button share it, so neither spoils the other's challenge.
 */
export function ensurePasskeyBinding(cookies: Cookies): string {
  const current = cookies.get(PASSKEY_BINDING_COOKIE);
  const token = current && /^[a-z0-9]{32}$/.test(current) ? current : generateToken(20);
  cookies.set(PASSKEY_BINDING_COOKIE, token, {
    ...bindingCookieOptions(getConfig().secureCookies),
    maxAge: 5 * 60
  });
  return hashToken(token);
}

export function passkeyBindingOf(cookies: Cookies): string | null {
  const token = cookies.get(PASSKEY_BINDING_COOKIE);
  return token && token.length <= 100 ? hashToken(token) : null;
}

export function clearPasskeyBinding(cookies: Cookies) {
  const { secureCookies } = getConfig();
  cookies.delete(PASSKEY_BINDING_COOKIE, {
    path: '/',
    secure: secureCookies,
    httpOnly: true,
    sameSite: 'lax'
  });
}
