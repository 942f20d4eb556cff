// The language this browser was last shown, for the pages a signed-out visitor sees (sign-in,
// a link's page, sign-out, errors): a preference, not a credential.
import type { Cookies } from '@sveltejs/kit';
import { getConfig } from '../config';
import { localeOrNull, negotiateLocale, baseLocale, type Locale } from '../../i18n/locale';

export const LOCALE_COOKIE = 'sheaf_locale';
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Remembers the language resolved for this browser, when it changed. */
export function rememberLocale(cookies: Cookies, locale: Locale): void {
  if (cookies.get(LOCALE_COOKIE) === locale) return;
  cookies.set(LOCALE_COOKIE, locale, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getConfig().secureCookies,
    maxAge: YEAR_SECONDS
  });
}

/** A signed-out visitor's language: the remembered one, else Accept-Language, else English. */
export function signedOutLocale(cookies: Cookies, acceptLanguage: string | null): Locale {
  return localeOrNull(cookies.get(LOCALE_COOKIE)) ?? negotiateLocale(acceptLanguage) ?? baseLocale;
}
