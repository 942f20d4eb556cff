// Due dates on the client's review pages. They come from the server as the firm's calendar day
// (dueDay, YYYY-MM-DD, in the firm's zone) and are counted from today where the firm is; no Intl
// here (see dates.ts).
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';
import { formatDay, isCalendarDay, localDay } from './dates';

/** The calendar day at a zone `utcOffset` minutes ahead of UTC; the reader's own without one. */
export function dayAt(d: Date, utcOffset?: number | null): string {
  if (utcOffset === undefined || utcOffset === null) return localDay(d);
  return new Date(d.getTime() + utcOffset * 60_000).toISOString().slice(0, 10);
}

/**
 * A packet's due day: as the server sent it (the firm's calendar day), or, for a copy saved on
 * the device before the server sent one, its due instant's day at the firm's offset.
 */
export function dueDayOf(
  p: { dueDay?: string | null; dueAt?: Date | string | null },
  utcOffset?: number | null
): string | null {
  if (p.dueDay) return p.dueDay;
  return p.dueAt ? dayAt(new Date(p.dueAt), utcOffset) : null;
}

/**
 * "Due today", "Due in 3 days", "Due 4 Oct 2026", "Was due 2 Dec 2026": the firm's due day
 * counted from today where the firm is (`utcOffset`, minutes ahead of UTC, as the server sent
 * it), or from the reader's today without one.
 */
export function formatDue(
  dueDay: string | null,
  now = new Date(),
  utcOffset?: number | null,
  locale: Locale = 'en'
): string {
  if (!dueDay || !isCalendarDay(dueDay)) return '';
  const days = Math.round((Date.parse(dueDay) - Date.parse(dayAt(now, utcOffset))) / 86_400_000);
  const o = { locale };
  if (days === 0) return m.fmt_due_today({}, o);
  if (days === 1) return m.fmt_due_tomorrow({}, o);
  if (days > 1 && days <= 7) return m.fmt_due_in_days({ days }, o);
  if (days < 0) return m.fmt_was_due({ date: formatDay(dueDay, locale) }, o);
  return m.fmt_due_on({ date: formatDay(dueDay, locale) }, o);
}

/**
 * The date to print beside formatDue's words: only when they count days ("Due in 3 days",
 * "Due today"), since "Due 4 Oct 2026" and "Was due 2 Dec 2026" name it already.
 */
export function formatDueDate(
  dueDay: string | null,
  now = new Date(),
  utcOffset?: number | null,
  locale: Locale = 'en'
): string | null {
  const words = formatDue(dueDay, now, utcOffset, locale);
  const day = formatDay(dueDay, locale);
  return words && dueDay && !words.includes(day) ? day : null;
}
