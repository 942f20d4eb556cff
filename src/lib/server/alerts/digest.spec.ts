import { describe, expect, it } from 'vitest';
import { digestKey, latestDigest, minuteToTime, wallMinutesIn } from './digest';
import { digestSummary, whereAsked } from '../email/templates/staff-alerts';

describe('latestDigest', () => {
  const at = (iso: string, zone: string, minute: number) => {
    const d = latestDigest(new Date(iso), zone, minute);
    return { day: d.day, at: d.at.toISOString() };
  };

  it('is today’s time once the wall clock passed it, else yesterday’s', () => {
    expect(at('2026-12-06T08:00:30Z', 'UTC', 480)).toEqual({
      day: '2026-12-06',
      at: '2026-12-06T08:00:00.000Z'
    });
    expect(at('2026-12-06T15:00:00Z', 'UTC', 480)).toEqual({
      day: '2026-12-06',
      at: '2026-12-06T08:00:00.000Z'
    });
    expect(at('2026-12-06T07:59:00Z', 'UTC', 480)).toEqual({
      day: '2026-12-05',
      at: '2026-12-05T08:00:00.000Z'
    });
    // A late time with no sweep before midnight: just after it, that day's digest is still owed.
    expect(at('2026-12-07T00:00:00Z', 'UTC', 23 * 60 + 58)).toEqual({
      day: '2026-12-06',
      at: '2026-12-06T23:58:00.000Z'
    });
  });

  it('reads the time of day on the zone’s wall clock, across DST changes', () => {
    // New York springs forward on 8 March 2026 (02:00 EST -> 03:00 EDT): 10:00 EDT is 14:00Z.
    expect(at('2026-03-08T13:59:00Z', 'America/New_York', 600).day).toBe('2026-03-07');
    expect(at('2026-03-08T14:00:00Z', 'America/New_York', 600)).toEqual({
      day: '2026-03-08',
      at: '2026-03-08T14:00:00.000Z'
    });
    // 02:30 does not exist that day: due once the clock jumps past it.
    expect(at('2026-03-08T06:59:00Z', 'America/New_York', 150).day).toBe('2026-03-07');
    expect(at('2026-03-08T07:00:00Z', 'America/New_York', 150).day).toBe('2026-03-08');
    // London falls back on 25 October 2026: 01:30 comes twice, on one day (one key).
    expect(at('2026-10-25T00:30:00Z', 'Europe/London', 90).day).toBe('2026-10-25');
    expect(at('2026-10-25T01:30:00Z', 'Europe/London', 90).day).toBe('2026-10-25');
  });

  it('takes the day from the firm’s zone, not UTC', () => {
    expect(at('2026-06-30T22:30:00Z', 'Pacific/Auckland', 480)).toEqual({
      day: '2026-07-01',
      at: '2026-06-30T20:00:00.000Z'
    });
    expect(at('2026-06-30T22:30:00Z', 'UTC', 480).day).toBe('2026-06-30');
    expect(wallMinutesIn(new Date('2026-01-15T00:05:00Z'), 'Asia/Kolkata')).toBe(5 * 60 + 35);
  });
});

describe('digest helpers', () => {
  it('name keys, times and contents', () => {
    expect(digestKey('f', 'u', '2026-12-06')).toBe('digest:f:u:2026-12-06');
    expect([0, 480, 1439].map(minuteToTime)).toEqual(['00:00', '08:00', '23:59']);
    expect(digestSummary(2, 1)).toBe('2 questions and 1 approval');
    expect(digestSummary(0, 3)).toBe('3 approvals');
    expect(digestSummary(1, 2, 1)).toBe('1 question, 1 decline and 2 approvals');
    expect(digestSummary(0, 0, 2)).toBe('2 declines');
    expect(whereAsked({ documentName: 'a.pdf', page: 2 })).toBe('a.pdf, page 2');
    expect(whereAsked({ documentName: null, page: null })).toBeNull();
  });
});
