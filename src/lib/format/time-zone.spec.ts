import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, toDateInput } from './dates';
import {
  calendarDayIn,
  currentZoneName,
  endOfDayIn,
  isoInZone,
  isTimeZone,
  startOfDayIn,
  zoneOffsetsIn,
  timeZoneNames,
  zoneAbbreviation,
  zoneOffsetMinutes,
  zoneOrUtc
} from './time-zone';

const winter = new Date('2026-12-02T14:00:00Z');
const summer = new Date('2026-07-02T14:00:00Z');

describe('time zones', () => {
  it('knows IANA names and refuses anything else', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(undefined)).toBe(false);
    expect(isTimeZone('x'.repeat(100))).toBe(false);
    expect(zoneOrUtc('Nowhere/Land')).toBe('UTC');
    expect(zoneOrUtc('Asia/Tokyo')).toBe('Asia/Tokyo');
    const names = timeZoneNames();
    expect(names[0]).toBe('UTC');
    expect(names).toContain('America/New_York');
    expect(names.filter((n) => n === 'UTC')).toHaveLength(1);
  });

  it('names the zone by its abbreviation, following daylight saving time', () => {
    expect(zoneAbbreviation(winter, 'America/New_York')).toBe('EST');
    expect(zoneAbbreviation(summer, 'America/New_York')).toBe('EDT');
    expect(zoneAbbreviation(winter, 'America/Los_Angeles')).toBe('PST');
    expect(zoneAbbreviation(winter, 'Europe/Berlin')).toBe('CET');
    expect(zoneAbbreviation(summer, 'Europe/Berlin')).toBe('CEST');
    expect(zoneAbbreviation(winter, 'Europe/London')).toBe('GMT');
    expect(zoneAbbreviation(summer, 'Europe/London')).toBe('BST');
    expect(zoneAbbreviation(winter, 'Australia/Sydney')).toBe('AEDT');
    expect(zoneAbbreviation(winter, 'UTC')).toBe('UTC');
    // No common abbreviation: the offset.
    expect(zoneAbbreviation(winter, 'Asia/Tokyo')).toBe('GMT+9');
  });

  it('switches at the DST instant itself', () => {
    // New York springs forward at 07:00 UTC on 8 March 2026.
    expect(zoneAbbreviation(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe('EST');
    expect(zoneAbbreviation(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('EDT');
    expect(zoneOffsetMinutes(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes(winter, 'Asia/Kolkata')).toBe(330);
  });

  it('puts the end of a calendar day where the firm is, DST days included', () => {
    expect(endOfDayIn('2026-12-02', 'UTC').toISOString()).toBe('2026-12-02T23:59:59.000Z');
    expect(endOfDayIn('2026-12-02', 'America/New_York').toISOString()).toBe(
      '2026-12-03T04:59:59.000Z'
    );
    expect(endOfDayIn('2026-07-02', 'America/New_York').toISOString()).toBe(
      '2026-07-03T03:59:59.000Z'
    );
    // The day the clocks change: the day ends on the later offset.
    expect(endOfDayIn('2026-03-08', 'America/New_York').toISOString()).toBe(
      '2026-03-09T03:59:59.000Z'
    );
    expect(endOfDayIn('2026-03-29', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T21:59:59.000Z'
    );
    expect(endOfDayIn('2026-12-02', 'Asia/Tokyo').toISOString()).toBe('2026-12-02T14:59:59.000Z');
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati', 'UTC']) {
      expect(calendarDayIn(endOfDayIn('2026-12-02', zone), zone)).toBe('2026-12-02');
    }
  });

  it('puts the start of a calendar day where the firm is, DST days included', () => {
    expect(startOfDayIn('2026-12-02', 'UTC').toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(startOfDayIn('2026-12-02', 'America/New_York').toISOString()).toBe(
      '2026-12-02T05:00:00.000Z'
    );
    // The day the clocks change starts on the earlier offset.
    expect(startOfDayIn('2026-03-08', 'America/New_York').toISOString()).toBe(
      '2026-03-08T05:00:00.000Z'
    );
    expect(startOfDayIn('2026-12-02', 'Asia/Tokyo').toISOString()).toBe('2026-12-01T15:00:00.000Z');
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'UTC']) {
      const start = startOfDayIn('2026-03-29', zone);
      expect(calendarDayIn(start, zone)).toBe('2026-03-29');
      expect(calendarDayIn(new Date(start.getTime() - 1), zone)).toBe('2026-03-28');
    }
  });

  it('gives the same offsets with a few Intl calls, across DST changes', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC']) {
      const offsetOf = zoneOffsetsIn(zone);
      // Every 7 minutes through March and April 2026: both changes of each hemisphere.
      for (let t = Date.UTC(2026, 2, 1); t < Date.UTC(2026, 4, 1); t += 7 * 60_000) {
        const d = new Date(t);
        expect(offsetOf(d), `${zone} ${d.toISOString()}`).toBe(zoneOffsetMinutes(d, zone));
      }
    }
  });

  it('writes an instant as ISO 8601 with the zone offset', () => {
    expect(isoInZone(winter, 'UTC')).toBe('2026-12-02T14:00:00+00:00');
    expect(isoInZone(winter, 'America/New_York')).toBe('2026-12-02T09:00:00-05:00');
    expect(isoInZone(summer, 'America/New_York')).toBe('2026-07-02T10:00:00-04:00');
    expect(isoInZone(new Date('2026-12-02T14:00:00.999Z'), 'Asia/Kolkata')).toBe(
      '2026-12-02T19:30:00+05:30'
    );
  });
});

describe('staff dates', () => {
  it('shows date-times in the zone with its abbreviation instead of "UTC"', () => {
    expect(formatDateTime(winter, 'America/New_York')).toBe('2 Dec, 09:00 EST');
    expect(formatDateTime(summer, 'America/New_York')).toBe('2 Jul, 10:00 EDT');
    expect(formatDateTime(winter)).toBe('2 Dec, 14:00 UTC');
    expect(formatDateTime('2026-12-02T23:30:00Z', 'Asia/Tokyo')).toBe('3 Dec, 08:30 GMT+9');
    expect(formatDateTime(null, 'Asia/Tokyo')).toBe('');
  });

  it('shows dates and date inputs as the calendar day in the zone', () => {
    const due = new Date('2026-12-03T02:00:00Z');
    expect(formatDate(due, 'America/Los_Angeles')).toBe('2 Dec 2026');
    expect(formatDate(due)).toBe('3 Dec 2026');
    expect(toDateInput(due, 'America/Los_Angeles')).toBe('2026-12-02');
    expect(toDateInput(due)).toBe('2026-12-03');
  });
});

describe('current zone names', () => {
  it('lists zones by their current IANA names, each once and in order', () => {
    const names = timeZoneNames();
    for (const current of ['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'America/Nuuk']) {
      expect(names).toContain(current);
    }
    for (const legacy of ['Asia/Calcutta', 'Europe/Kiev', 'Asia/Saigon', 'America/Godthab']) {
      expect(names).not.toContain(legacy);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(1)).toEqual([...names.slice(1)].sort());
    // Every listed name is one the runtime accepts.
    expect(names.filter((n) => !isTimeZone(n))).toEqual([]);
  });

  it('maps legacy zone names to their current ones and leaves the rest alone', () => {
    expect(currentZoneName('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZoneName('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(currentZoneName('Asia/Saigon')).toBe('Asia/Ho_Chi_Minh');
    expect(currentZoneName('America/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(currentZoneName('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(currentZoneName('America/New_York')).toBe('America/New_York');
    expect(currentZoneName('UTC')).toBe('UTC');
    // A stored legacy name is still accepted, and read as its current name.
    expect(isTimeZone('Asia/Calcutta')).toBe(true);
    expect(zoneOrUtc('Asia/Calcutta')).toBe('Asia/Kolkata');
  });
});
