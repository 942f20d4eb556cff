// The languages client pages and mail come in, for both sides. The list itself is Paraglide's
// (project.inlang/settings.json), which a unit spec holds equal to the schema's LOCALES.
import { baseLocale, isLocale, locales, type Locale } from '../paraglide/runtime.js';

export { baseLocale, isLocale, locales, type Locale };

/** Each language named in itself, as a person looking for their own would read it. */
export const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch'
};

/** The value of a locale field that may be empty or anything: a locale, or null. */
export function localeOrNull(value: unknown): Locale | null {
  return typeof value === 'string' && isLocale(value) ? value : null;
}

/**
 * The first of our languages an Accept-Language header asks for, by quality then order
 * ("es-MX,es;q=0.9,en;q=0.8" → es); null when it asks for none of them.
 */
export function negotiateLocale(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const wanted = header
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((w) => w.tag && Number.isFinite(w.q) && w.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of wanted) {
    const primary = localeOrNull(tag.split('-')[0]);
    if (primary) return primary;
  }
  return null;
}
