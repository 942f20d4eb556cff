import { describe, expect, it } from 'vitest';
import { auditRangeSchema, defaultRange, rangeInstants, rangeProblem } from './range';

const problem = (from: string, to: string) => {
  const parsed = auditRangeSchema.safeParse({ from, to });
  return parsed.success ? null : rangeProblem(parsed.error);
};

describe('audit export range', () => {
  it('takes real days, To on or after From, at most 5 years', () => {
    expect(problem('2026-11-01', '2026-11-30')).toBeNull();
    expect(problem('2026-11-01', '2026-11-01')).toBeNull();
    expect(problem(' 2021-12-07 ', '2026-12-06')).toBeNull();
    expect(problem('2026-11-30', '2026-11-01')).toBe('To must be on or after From.');
    expect(problem('2026-02-30', '2026-03-01')).toMatch(/^Enter the From date as YYYY-MM-DD/);
    expect(problem('2026-11-01', '30/11/2026')).toMatch(/^Enter the To date as YYYY-MM-DD/);
    expect(problem('', '2026-11-01')).toBe('Enter the From date.');
    expect(problem('2020-01-01', '2026-01-02')).toBe('Choose at most 5 years at a time.');
  });

  it('covers whole days in the zone: start of From to the start of the day after To', () => {
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const ny = rangeInstants(range, 'America/New_York');
    expect(ny.from.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(ny.to.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    const utc = rangeInstants({ from: '2026-12-31', to: '2026-12-31' }, 'UTC');
    expect(utc.to.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('offers the last 30 days, today included, in the zone', () => {
    const now = new Date('2026-12-06T03:00:00Z');
    expect(defaultRange('UTC', now)).toEqual({ from: '2026-11-07', to: '2026-12-06' });
    // Still the 5th in New York.
    expect(defaultRange('America/New_York', now)).toEqual({ from: '2026-11-06', to: '2026-12-05' });
  });
});
