// Dates and sizes as staff read them, in the firm's time zone (UTC until the firm sets one);
// used on the server and in the browser.
import { calendarDayIn, dateTimeFormat, DEFAULT_TIME_ZONE, zoneAbbreviation } from './time-zone';

function formatIn(kind: 'date' | 'dateTime', timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat(
    'en-GB',
    kind === 'date'
      ? { day: 'numeric', month: 'short', year: 'numeric', timeZone }
      : {
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          timeZone
        }
  );
}

/** "2 Dec 2026" in the zone. */
export const formatDate = (d: Date | string | null | undefined, timeZone = DEFAULT_TIME_ZONE) =>
  d ? formatIn('date', timeZone).format(new Date(d)) : '';

/** "Wed 2 Dec 2026": the calendar day in the zone (a due date, a packet link's last day). */
export const formatWeekdayDate = (d: Date, timeZone = DEFAULT_TIME_ZONE) =>
  dateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone
  })
    .format(d)
    .replace(',', '');

/** "2 Dec, 09:00 EST": the zone's abbreviation at that instant, so DST shows. */
export function formatDateTime(d: Date | string | null | undefined, timeZone = DEFAULT_TIME_ZONE) {
  if (!d) return '';
  const date = new Date(d);
  return `${formatIn('dateTime', timeZone).format(date)} ${zoneAbbreviation(date, timeZone)}`;
}

/** yyyy-mm-dd for a date input. */
export const toDateInput = (d: Date | string | null | undefined, timeZone = DEFAULT_TIME_ZONE) =>
  d ? calendarDayIn(new Date(d), timeZone) : '';

/** How long ago, in the largest whole unit: "just now", "5 minutes", "1 hour", "2 days". */
export function formatAge(d: Date | string, now: Date = new Date()): string {
  const minutes = Math.floor((now.getTime() - new Date(d).getTime()) / 60_000);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes < 1) return 'just now';
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return unit(hours, 'hour');
  return unit(Math.floor(hours / 24), 'day');
}
