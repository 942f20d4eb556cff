import type { ClientInit } from '@sveltejs/kit';
import { page } from '$app/state';
import { localeOrNull, baseLocale } from '$lib/i18n/locale';
import { loadLocaleMessages, usableLocale } from '$lib/i18n/locale-messages.svelte';
import { overwriteGetLocale } from '$lib/paraglide/runtime';

const htmlLocale = () => localeOrNull(document.documentElement.lang);

// The page hydrates in the language the server wrote it in (<html lang>): its messages, when not
// English, are loaded first.
export const init: ClientInit = () => loadLocaleMessages(htmlLocale() ?? baseLocale);

// The browser speaks the language the server resolved (the root layout's data, or a page's own).
// Reading page.data makes every message in a template follow a change, such as a new choice
// in /account, without a reload (once that language's messages have arrived).
overwriteGetLocale(() =>
  usableLocale(localeOrNull(page.data.locale) ?? htmlLocale() ?? baseLocale)
);
