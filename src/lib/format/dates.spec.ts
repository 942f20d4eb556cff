import { describe, expect, it } from 'vitest';
import { formatAge } from './dates';

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
