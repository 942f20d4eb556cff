// The browser's messages in languages other than English, one module per language, loaded when
// a page speaks it. English, the base, stays in each page's own code; the other three would
// triple what every page downloads, though a reader only ever needs one of them.
//
// In the browser build, scripts/messages-by-locale.js has each message ask messagesFor() for its
// language and answer in English when that language is not loaded. On the server every
// language is in each message, and nothing here runs.
import type { m } from '../paraglide/messages.js';
import { getLocale } from '../paraglide/runtime.js';
import { baseLocale, type Locale } from './locale';

type Other = Exclude<Locale, typeof baseLocale>;
type LocaleMessages = Record<keyof typeof m, (inputs?: object) => string>;

const loaders: Record<Other, () => Promise<LocaleMessages>> = {
  es: () => import('virtual:sheaf-messages/es'),
  fr: () => import('virtual:sheaf-messages/fr'),
  de: () => import('virtual:sheaf-messages/de')
};
const loaded: Partial<Record<Other, LocaleMessages>> = {};
// Bookkeeping, not state anything renders.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const loading = new Map<Other, Promise<void>>();
// Bumped when a language arrives: templates that asked for it (through usableLocale) run again.
const arrivals = $state({ count: 0 });
let lastUsable: Locale = baseLocale;

/** A loaded language's messages (`locale`, else the page's); undefined for English. */
export function messagesFor(locale?: Locale): LocaleMessages | undefined {
  return loaded[(locale ?? getLocale()) as Other];
}

/** Loads a language's messages (once); English is always there. Never rejects. */
export function loadLocaleMessages(locale: Locale): Promise<void> {
  if (locale === baseLocale || loaded[locale as Other]) return Promise.resolve();
  const other = locale as Other;
  let pending = loading.get(other);
  if (!pending) {
    pending = loaders[other]()
      .then((messages) => {
        loaded[other] = messages;
        arrivals.count++;
      })
      .catch((error) => {
        // Offline and not saved on this device: pages stay in the language they have.
        loading.delete(other);
        console.error(error);
      });
    loading.set(other, pending);
  }
  return pending;
}

/**
 * The language pages should speak now: `wanted` once its messages are here, until then the one
 * they spoke last (a language chosen in /account shows once it has arrived, never half-loaded).
 */
export function usableLocale(wanted: Locale): Locale {
  void arrivals.count;
  if (wanted === baseLocale || loaded[wanted as Other]) return (lastUsable = wanted);
  void loadLocaleMessages(wanted);
  return lastUsable;
}
