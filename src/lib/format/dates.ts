// Dates as people read them, worded as en-GB words them: "2 Dec 2026", "2 Dec, 09:00 EST"; in
// another of our languages, as Intl words them there ("2 dic 2026").
// Staff read instants in the firm's time zone (UTC until the firm sets one); a client reads them
// in their own (READER_ZONE). Used on the server and in the browser.
// The reader's zone is worded without Intl: the first Intl.DateTimeFormat a page builds costs
// 35-75 ms of its main thread (ICU's locale data), which a phone paid during hydration.
import { calendarDayIn, dateTimeFormat, DEFAULT_TIME_ZONE, zoneAbbreviation } from './time-zone';
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';

/** The zone argument for the reader's own zone: the device's clock, no zone name shown. */
export const READER_ZONE = 'reader';

// en-GB's short names (ICU 72 on: "Sept").
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sept',
  'Oct',
  'Nov',
  'Dec'
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

type When = Date | string | null | undefined;

/** An instant as a clock on the wall in the zone shows it (month 1-12). */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClock(d: Date, timeZone: string): WallClock {
  if (timeZone === READER_ZONE) {
    return {
      year: d.getFullYear(),
      month: d.getMonth() + 1,
      day: d.getDate(),
      hour: d.getHours(),
      minute: d.getMinutes()
    };
  }
  const parts = dateTimeFormat('en-GB', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute')
  };
}

const weekdayOf = (w: WallClock) =>
  WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
const dayWords = (w: WallClock) => `${w.day} ${MONTHS[w.month - 1]}`;

/** Intl's words for a wall-clock day (and time) in another language; UTC holds it as it is. */
function intlWords(w: WallClock, locale: Locale, options: Intl.DateTimeFormatOptions): string {
  const at = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute));
  return dateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(at);
}

const DAY_OPTIONS = { day: 'numeric', month: 'short', year: 'numeric' } as const;

/** True for a calendar day as the server sends one: YYYY-MM-DD. */
export const isCalendarDay = (value: string) => DAY.test(value);

/** "2026-12-02" -> "2 Dec 2026" (anything else as it is): a calendar day as the server sent it. */
export function formatDay(day: string | null, locale: Locale = 'en'): string {
  const d = day ? DAY.exec(day) : null;
  if (!d) return day ?? '';
  if (locale !== 'en') {
    const w = { year: +d[1], month: +d[2], day: +d[3], hour: 0, minute: 0 };
    return intlWords(w, locale, DAY_OPTIONS);
  }
  return `${Number(d[3])} ${MONTHS[Number(d[2]) - 1]} ${d[1]}`;
}

/** "2 Dec 2026" in the zone. */
export function formatDate(d: When, timeZone = DEFAULT_TIME_ZONE, locale: Locale = 'en'): string {
  if (!d) return '';
  const w = wallClock(new Date(d), timeZone);
  if (locale !== 'en') return intlWords(w, locale, DAY_OPTIONS);
  return `${dayWords(w)} ${w.year}`;
}

/**
 * "Wed 2 Dec 2026": the calendar day in the zone (a due date, a packet link's last day), in mails
 * and notifications. Other languages have it in full ("viernes, 18 de diciembre de 2026"), as
 * running text there reads it.
 */
export function formatWeekdayDate(
  d: Date,
  timeZone = DEFAULT_TIME_ZONE,
  locale: Locale = 'en'
): string {
  const w = wallClock(d, timeZone);
  if (locale !== 'en') {
    return intlWords(w, locale, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      weekday: 'long'
    });
  }
  return `${weekdayOf(w)} ${dayWords(w)} ${w.year}`;
}

/**
 * "2 Dec, 09:00 EST": in a zone, with its abbreviation at that instant so DST shows; in
 * READER_ZONE without one ("2 Dec, 09:00"). `year` adds the year ("2 Dec 2026, 09:00"),
 * `weekday` puts the day's name first ("Wed 2 Dec, 09:00").
 */
export function formatDateTime(
  d: When,
  timeZone = DEFAULT_TIME_ZONE,
  shape: { year?: boolean; weekday?: boolean } = {},
  locale: Locale = 'en'
): string {
  if (!d) return '';
  const date = new Date(d);
  const w = wallClock(date, timeZone);
  const day = `${shape.weekday ? `${weekdayOf(w)} ` : ''}${dayWords(w)}${shape.year ? ` ${w.year}` : ''}`;
  const words =
    locale === 'en'
      ? `${day}, ${pad(w.hour)}:${pad(w.minute)}`
      : intlWords(w, locale, {
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          ...(shape.year ? { year: 'numeric' } : {}),
          ...(shape.weekday ? { weekday: 'short' } : {})
        });
  return timeZone === READER_ZONE ? words : `${words} ${zoneAbbreviation(date, timeZone)}`;
}

/** The reader's calendar day (their own zone) as YYYY-MM-DD. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** yyyy-mm-dd for a date input. */
export const toDateInput = (d: When, timeZone = DEFAULT_TIME_ZONE) =>
  d ? calendarDayIn(new Date(d), timeZone) : '';

/** How long ago, in the largest whole unit: "just now", "5 minutes", "1 hour", "2 days". */
export function formatAge(d: Date | string, now: Date = new Date(), locale: Locale = 'en'): string {
  const minutes = Math.floor((now.getTime() - new Date(d).getTime()) / 60_000);
  if (minutes < 1) return m.fmt_just_now({}, { locale });
  if (minutes < 60) return m.fmt_minutes({ count: minutes }, { locale });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return m.fmt_hours({ count: hours }, { locale });
  return m.fmt_days({ count: Math.floor(hours / 24) }, { locale });
}
