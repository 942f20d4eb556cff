import { describe, expect, it } from 'vitest';
import { formatDay } from './dates';
import { dayAt, dueDayOf, formatDue, formatDueDate } from './due-dates';

describe("client due dates: the firm's calendar day, counted from the reader's today", () => {
  const at = (day: string) => new Date(`${day}T12:00:00`); // noon in the reader's own zone
  it('counts days and names the date as the firm set it', () => {
    expect(formatDay('2026-12-02')).toBe('2 Dec 2026');
    expect(formatDay('2026-09-05')).toBe('5 Sept 2026');
    expect(formatDue('2026-12-02', at('2026-12-02'))).toBe('Due today');
    expect(formatDue('2026-12-02', at('2026-12-01'))).toBe('Due tomorrow');
    expect(formatDue('2026-12-02', at('2026-11-27'))).toBe('Due in 5 days');
    expect(formatDue('2026-12-02', at('2026-11-20'))).toBe('Due 2 Dec 2026');
    expect(formatDue('2026-12-02', at('2026-12-05'))).toBe('Was due 2 Dec 2026');
    // Across a change of the clocks (America's, on 1 Nov 2026): whole days all the same.
    expect(formatDue('2026-11-03', at('2026-10-27'))).toBe('Due in 7 days');
  });
  it('adds the date beside a count of days only, never twice', () => {
    expect(formatDueDate('2026-12-02', at('2026-11-27'))).toBe('2 Dec 2026');
    expect(formatDueDate('2026-12-02', at('2026-12-02'))).toBe('2 Dec 2026');
    // "Due 2 Dec 2026" and "Was due 2 Dec 2026" name it already.
    expect(formatDueDate('2026-12-02', at('2026-11-20'))).toBeNull();
    expect(formatDueDate('2026-12-02', at('2026-12-05'))).toBeNull();
    expect(formatDueDate(null)).toBeNull();
  });
  it("counts from the firm's today when the server gives the firm's offset", () => {
    // 23:00 on 1 Dec in Los Angeles (UTC-8) is already 2 Dec in UTC and in Tokyo.
    const now = new Date('2026-12-02T07:00:00Z');
    expect(formatDue('2026-12-02', now, -480)).toBe('Due tomorrow');
    expect(formatDue('2026-12-02', now, 540)).toBe('Due today');
    expect(dayAt(now, -480)).toBe('2026-12-01');
    expect(dayAt(now, 0)).toBe('2026-12-02');
  });
  it('falls back to the due instant for a copy saved before the server sent the day', () => {
    const due = new Date('2026-12-03T02:00:00Z'); // 18:00 on 2 Dec in Los Angeles
    expect(dueDayOf({ dueDay: '2026-12-02', dueAt: due }, 0)).toBe('2026-12-02');
    expect(dueDayOf({ dueAt: due.toISOString() }, -480)).toBe('2026-12-02');
    expect(dueDayOf({ dueAt: null })).toBeNull();
  });
  it('says nothing for a missing or malformed day', () => {
    expect(formatDue(null)).toBe('');
    expect(formatDue('soon')).toBe('');
    expect(formatDay(null)).toBe('');
  });
});
