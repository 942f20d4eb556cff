// The language the service worker speaks on its own (the offline page, a push it cannot read).
// It has no request to take one from, so it keeps the language of the last page the server sent
// this device (Content-Language, set on every page by hooks.server.ts), which already follows
// the contact's own choice, their firm's and the browser's. Before any page was noted (or after
// a sign-out purged the notes): the device's own languages, then English.
import { baseLocale, localeOrNull, negotiateLocale, type Locale } from '../i18n/locale';
import { META_CACHE, PAGE_LOCALE_URL, readNote } from './names';

/** The last page's language, else the first of the device's languages we speak, else English. */
export function pickDeviceLocale(noted: string | null, languages: readonly string[]): Locale {
  return localeOrNull(noted) ?? negotiateLocale(languages.join(',')) ?? baseLocale;
}

/** The language to speak on this device now. Never fails: a note it cannot read is no note. */
export async function deviceLocale(languages: readonly string[]): Promise<Locale> {
  return pickDeviceLocale(await readNote(PAGE_LOCALE_URL).catch(() => null), languages);
}

/**
 * Notes the language of a page the server answered with, when it is one of ours and not the
 * one noted already (read back each time: a sign-out may have purged the note since).
 */
export async function notePageLocale(response: Response): Promise<void> {
  const locale = localeOrNull(response.headers.get('content-language'));
  if (!locale || (await readNote(PAGE_LOCALE_URL)) === locale) return;
  const meta = await caches.open(META_CACHE);
  await meta.put(PAGE_LOCALE_URL, new Response(locale));
}
