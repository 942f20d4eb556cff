import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatDate,
  formatDateTime,
  formatDay,
  formatWeekdayDate,
  isCalendarDay,
  localDay,
  READER_ZONE
} from './dates';
import { dateTimeFormat } from './time-zone';

describe('formatAge', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const MIN = 60_000;

  it('says how long ago in the largest whole unit', () => {
    expect(formatAge(ago(20_000), now)).toBe('just now');
    expect(formatAge(ago(MIN), now)).toBe('1 minute');
    expect(formatAge(ago(59 * MIN), now)).toBe('59 minutes');
    expect(formatAge(ago(60 * MIN), now)).toBe('1 hour');
    expect(formatAge(ago(5 * 60 * MIN + 59 * MIN), now)).toBe('5 hours');
    expect(formatAge(ago(47 * 60 * MIN), now)).toBe('47 hours');
    expect(formatAge(ago(48 * 60 * MIN), now)).toBe('2 days');
    expect(formatAge(ago(30 * 24 * 60 * MIN), now)).toBe('30 days');
  });

  it('reads ISO strings, and a clock a little behind is "just now"', () => {
    expect(formatAge(ago(3 * 60 * MIN).toISOString(), now)).toBe('3 hours');
    expect(formatAge(new Date(now.getTime() + 5000), now)).toBe('just now');
  });
});

describe("the reader's zone", () => {
  it('words instants in the reader’s zone as en-GB does, without Intl', () => {
    const d = new Date(2026, 8, 5, 9, 3); // 5 Sept 2026, 09:03 local
    expect(formatDateTime(d, READER_ZONE)).toBe('5 Sept, 09:03');
    expect(formatDateTime(d, READER_ZONE)).toBe(
      d.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit'
      })
    );
    expect(localDay(d)).toBe('2026-09-05');
  });

  it('adds the year or the day of the week when asked', () => {
    const d = new Date(2026, 11, 2, 0, 5); // Wed 2 Dec 2026, 00:05 local
    expect(formatDateTime(d, READER_ZONE, { year: true })).toBe('2 Dec 2026, 00:05');
    expect(formatDateTime(d, READER_ZONE, { weekday: true })).toBe('Wed 2 Dec, 00:05');
    expect(formatDate(d, READER_ZONE)).toBe('2 Dec 2026');
    expect(formatDateTime(null, READER_ZONE)).toBe('');
  });
});

describe('calendar days as the server sends them', () => {
  it('words YYYY-MM-DD and passes anything else through', () => {
    expect(formatDay('2026-12-02')).toBe('2 Dec 2026');
    expect(formatDay('2026-09-05')).toBe('5 Sept 2026');
    expect(formatDay('soon')).toBe('soon');
    expect(isCalendarDay('2026-12-02')).toBe(true);
    expect(isCalendarDay('2026-12-2')).toBe(false);
  });
});

describe('one wording with Intl’s en-GB', () => {
  // Every 31 hours for a year: every hour of the day, day of the week and month, both sides of
  // each change of the clocks.
  const instants = Array.from(
    { length: 283 },
    (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 31 * 3_600_000)
  );
  const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Chatham'];

  it('words dates and date-times in a zone as Intl does', () => {
    for (const timeZone of zones) {
      const intl = (options: Intl.DateTimeFormatOptions) =>
        dateTimeFormat('en-GB', { ...options, timeZone });
      for (const d of instants) {
        expect(formatDate(d, timeZone)).toBe(
          intl({ day: 'numeric', month: 'short', year: 'numeric' }).format(d)
        );
        expect(formatWeekdayDate(d, timeZone)).toBe(
          intl({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
            .format(d)
            .replace(',', '')
        );
        expect(formatDateTime(d, timeZone).replace(/ \S+$/, '')).toBe(
          intl({
            day: 'numeric',
            month: 'short',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23'
          }).format(d)
        );
      }
    }
  });

  it("words the reader's zone as Intl does in the device's zone", () => {
    const medium = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    const weekday = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit'
    });
    for (const d of instants) {
      expect(formatDateTime(d, READER_ZONE, { year: true })).toBe(medium.format(d));
      expect(formatDateTime(d, READER_ZONE, { weekday: true })).toBe(weekday.format(d));
    }
  });
});
