import { page } from '$app/state';
import { localeOrNull, baseLocale } from '$lib/i18n/locale';
import { overwriteGetLocale } from '$lib/paraglide/runtime';

// The browser speaks the language the server resolved (the root layout's data, or a page's own).
// Reading page.data makes every message in a template follow a change, such as a new choice
// in /account, without a reload.
overwriteGetLocale(
  () => localeOrNull(page.data.locale) ?? localeOrNull(document.documentElement.lang) ?? baseLocale
);
