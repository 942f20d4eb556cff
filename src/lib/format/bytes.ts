// Sizes as people read them, the one formatter for files, uploads and the device's storage.
// Binary steps (1 KB = 1024 B), as browsers and phones count storage.
import type { Locale } from '../i18n/locale';
import { numberFormat } from './numbers';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
// French counts octets.
const UNITS_FR = ['o', 'Ko', 'Mo', 'Go', 'To'] as const;

/** Bytes and kilobytes are whole; megabytes keep a decimal under 10; GB and up always one. */
const decimalsOf = (unit: number, value: number) =>
  unit >= 3 || (unit === 2 && value < 10) ? 1 : 0;

// A no-break space between figure and unit: a narrow line never leaves "673" above "KB".
const NBSP = '\u00a0';

/** "812 B", "394 KB", "2.8 MB", "50 MB", "10.0 GB" (a phone's room, not "10247 MB"). */
export function formatBytes(bytes: number, locale: Locale = 'en'): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  // Up a unit once the figure would read 1024 or more ("1023.9 MB" reads "1.0 GB").
  while (unit < UNITS.length - 1 && Number(value.toFixed(decimalsOf(unit, value))) >= 1024) {
    value /= 1024;
    unit++;
  }
  const decimals = decimalsOf(unit, value);
  if (locale === 'en') return `${value.toFixed(decimals)}${NBSP}${UNITS[unit]}`;
  const figure = numberFormat(locale, decimals).format(Number(value.toFixed(decimals)));
  return `${figure}${NBSP}${(locale === 'fr' ? UNITS_FR : UNITS)[unit]}`;
}
