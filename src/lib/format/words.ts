import type { Locale } from '../i18n/locale';

/** "1 page", "3 pages"; `many` for the irregular ("2 replies"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c"; in another language, as Intl joins a list there. */
export function joinWords(items: string[], locale: Locale = 'en'): string {
  if (locale !== 'en' && items.length > 1) {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
  }
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The text as a sentence: a full stop added unless it already ends in one (or ! or ?). */
export function endSentence(text: string): string {
  const t = text.trimEnd();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/** One line: carriage returns, newlines and other control characters become single spaces. */
export function singleLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The text cut to at most `max` characters as a reader counts them (an emoji, a flag or an
 * accented letter is one), with "…" when cut: never half an emoji (a database refuses one).
 */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length === max)
      return `${kept
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
    kept.push(segment);
  }
  return text;
}
