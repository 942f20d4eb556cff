// Numbers in a reader's language ("2,8" in Spanish, French and German), one cached formatter
// per language and precision: building an Intl formatter costs a phone time.
import type { Locale } from '../i18n/locale';

const formats = new Map<string, Intl.NumberFormat>();

/** A formatter with exactly `decimals` decimals in the locale. */
export function numberFormat(locale: Locale, decimals: number): Intl.NumberFormat {
  const key = `${locale}|${decimals}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals
    });
    formats.set(key, f);
  }
  return f;
}
