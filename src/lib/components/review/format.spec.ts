import { describe, expect, it } from 'vitest';
import { formatDate, formatDue } from './format';

describe("client due dates in the firm's zone", () => {
  const due = new Date('2026-12-03T02:00:00Z'); // 18:00 on 2 Dec in Los Angeles
  it('counts days and names the date as the firm does', () => {
    const la = 'America/Los_Angeles';
    expect(formatDate(due, la)).toBe('2 Dec 2026');
    expect(formatDue(due, new Date('2026-12-02T20:00:00Z'), la)).toBe('Due today');
    expect(formatDue(due, new Date('2026-12-01T20:00:00Z'), la)).toBe('Due tomorrow');
    expect(formatDue(due, new Date('2026-11-20T20:00:00Z'), la)).toBe('Due 2 Dec 2026');
    expect(formatDue(due, new Date('2026-12-05T20:00:00Z'), la)).toBe('Was due 2 Dec 2026');
    expect(formatDate(due, 'UTC')).toBe('3 Dec 2026');
  });
});
