import { describe, expect, it } from 'vitest';
import { digestDue, digestKey, minuteToTime, wallMinutesIn } from './digest';
import { digestSummary, whereAsked } from '../email/templates/staff-alerts';

describe('digestDue', () => {
  it('reads the time of day on the zone’s wall clock, across DST changes', () => {
    // New York springs forward on 8 March 2026 (02:00 EST -> 03:00 EDT).
    expect(digestDue(new Date('2026-03-08T13:59:00Z'), 'America/New_York', 600)).toEqual({
      day: '2026-03-08',
      due: false
    });
    expect(digestDue(new Date('2026-03-08T14:00:00Z'), 'America/New_York', 600)).toEqual({
      day: '2026-03-08',
      due: true
    });
    // 02:30 does not exist that day: due once the clock jumps past it.
    expect(digestDue(new Date('2026-03-08T06:59:00Z'), 'America/New_York', 150).due).toBe(false);
    expect(digestDue(new Date('2026-03-08T07:00:00Z'), 'America/New_York', 150).due).toBe(true);
    // London falls back on 25 October 2026: 01:30 comes twice, on one day (one key).
    const first = digestDue(new Date('2026-10-25T00:30:00Z'), 'Europe/London', 90);
    const second = digestDue(new Date('2026-10-25T01:30:00Z'), 'Europe/London', 90);
    expect([first, second]).toEqual([
      { day: '2026-10-25', due: true },
      { day: '2026-10-25', due: true }
    ]);
  });

  it('takes the day from the firm’s zone, not UTC', () => {
    expect(digestDue(new Date('2026-06-30T22:30:00Z'), 'Pacific/Auckland', 480)).toEqual({
      day: '2026-07-01',
      due: true
    });
    expect(digestDue(new Date('2026-06-30T22:30:00Z'), 'UTC', 480)).toEqual({
      day: '2026-06-30',
      due: true
    });
    expect(wallMinutesIn(new Date('2026-01-15T00:05:00Z'), 'Asia/Kolkata')).toBe(5 * 60 + 35);
  });
});

describe('digest helpers', () => {
  it('name keys, times and contents', () => {
    expect(digestKey('f', 'u', '2026-12-06')).toBe('digest:f:u:2026-12-06');
    expect([0, 480, 1439].map(minuteToTime)).toEqual(['00:00', '08:00', '23:59']);
    expect(digestSummary(2, 1)).toBe('2 questions and 1 approval');
    expect(digestSummary(0, 3)).toBe('3 approvals');
    expect(whereAsked({ documentName: 'a.pdf', page: 2 })).toBe('a.pdf, page 2');
    expect(whereAsked({ documentName: null, page: null })).toBeNull();
  });
});
