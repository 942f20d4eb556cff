import { describe, expect, it } from 'vitest';
import {
  defaultPeriod,
  isPeriod,
  packetHeading,
  parsePeriod,
  periodChoices,
  periodLabel,
  titleNamesPeriod
} from './periods';

describe('parsePeriod and isPeriod', () => {
  it('reads quarters, months and financial years', () => {
    expect(parsePeriod('2026-Q3')).toEqual({ kind: 'quarter', year: 2026, n: 3 });
    expect(parsePeriod('2026-03')).toEqual({ kind: 'month', year: 2026, n: 3 });
    expect(parsePeriod('2026-FY')).toEqual({ kind: 'year', year: 2026, n: 0 });
  });
  it('refuses impossible and loose forms', () => {
    for (const bad of ['2026-Q5', '2026-Q0', '2026-13', '2026-00', '2026-M03', '2026-H1', '']) {
      expect(isPeriod(bad), bad).toBe(false);
    }
    for (const bad of ['Q3 2026', '2026-q3', ' 2026-Q3', '2026-Q3 ', '26-Q3', '2026-fy']) {
      expect(isPeriod(bad), bad).toBe(false);
    }
  });
});

describe('periodLabel', () => {
  it('words each kind', () => {
    expect(periodLabel('2026-Q3')).toBe('Q3 2026');
    expect(periodLabel('2026-03')).toBe('March 2026');
    expect(periodLabel('2025-12')).toBe('December 2025');
    expect(periodLabel('2026-FY')).toBe('FY 2026');
  });
  it('shows anything else as it is', () => {
    expect(periodLabel('Spring')).toBe('Spring');
  });
});

describe('defaultPeriod', () => {
  it('is the last completed quarter', () => {
    expect(defaultPeriod(new Date('2026-12-06T08:00:00Z'), 'UTC')).toBe('2026-Q3');
    expect(defaultPeriod(new Date('2026-04-01T00:00:00Z'), 'UTC')).toBe('2026-Q1');
    expect(defaultPeriod(new Date('2026-02-15T00:00:00Z'), 'UTC')).toBe('2025-Q4');
  });
  it('counts the day in the firm’s time zone', () => {
    // 1 Jan 2027 03:00 UTC is still 31 Dec 2026 in New York: Q4 has not ended there.
    const at = new Date('2027-01-01T03:00:00Z');
    expect(defaultPeriod(at, 'UTC')).toBe('2026-Q4');
    expect(defaultPeriod(at, 'America/New_York')).toBe('2026-Q3');
    // 30 Sep 2026 20:00 UTC is already 1 Oct in Sydney.
    expect(defaultPeriod(new Date('2026-09-30T20:00:00Z'), 'Australia/Sydney')).toBe('2026-Q3');
  });
});

describe('periodChoices', () => {
  const now = new Date('2026-12-06T08:00:00Z');
  it('offers quarters, months and financial years, newest first', () => {
    const [quarters, months, years] = periodChoices(now, 'UTC');
    expect(quarters.label).toBe('Quarters');
    expect(quarters.choices.map((c) => c.value)).toEqual([
      '2027-Q1',
      '2026-Q4',
      '2026-Q3',
      '2026-Q2',
      '2026-Q1',
      '2025-Q4',
      '2025-Q3',
      '2025-Q2',
      '2025-Q1',
      '2024-Q4'
    ]);
    expect(quarters.choices[2]).toEqual({ value: '2026-Q3', label: 'Q3 2026' });
    expect(months.choices).toHaveLength(18);
    expect(months.choices[0]).toEqual({ value: '2026-12', label: 'December 2026' });
    expect(months.choices.at(-1)).toEqual({ value: '2025-07', label: 'July 2025' });
    expect(years.choices.map((c) => c.label)).toEqual(['FY 2026', 'FY 2025', 'FY 2024', 'FY 2023']);
  });
  it('includes the default', () => {
    const values = periodChoices(now, 'UTC').flatMap((g) => g.choices.map((c) => c.value));
    expect(values).toContain(defaultPeriod(now, 'UTC'));
  });
  it('keeps an existing packet’s period that falls outside the list, in order', () => {
    const quarters = periodChoices(now, 'UTC', '2019-Q2')[0].choices.map((c) => c.value);
    expect(quarters.at(-1)).toBe('2019-Q2');
    const years = periodChoices(now, 'UTC', '2030-FY')[2].choices.map((c) => c.value);
    expect(years[0]).toBe('2030-FY');
    const inList = periodChoices(now, 'UTC', '2026-Q3')[0].choices;
    expect(inList).toHaveLength(10);
  });
});

describe('packetHeading', () => {
  it('prefixes the period to a title that does not name it', () => {
    expect(packetHeading('Year-end accounts', '2026-Q3')).toBe('Q3 2026 · Year-end accounts');
    expect(packetHeading('Quarterly review', '2026-03', ' ')).toBe('March 2026 Quarterly review');
  });
  it('leaves a title that already names the period, however it is written', () => {
    for (const title of [
      'Q3 2026 quarterly review',
      'q3 2026 quarterly review',
      'Quarterly review 2026 Q3',
      'Review Q3-2026',
      'Review (2026-Q3)',
      'Q3/2026 pack'
    ]) {
      expect(packetHeading(title, '2026-Q3'), title).toBe(title);
    }
    expect(packetHeading('March 2026 payroll', '2026-03')).toBe('March 2026 payroll');
    expect(packetHeading('Payroll mar 2026', '2026-03')).toBe('Payroll mar 2026');
    expect(packetHeading('FY 2026 accounts', '2026-FY')).toBe('FY 2026 accounts');
    expect(packetHeading('Accounts FY2026', '2026-FY')).toBe('Accounts FY2026');
  });
  it('still prefixes when the title names another period or only part of it', () => {
    expect(packetHeading('Q2 2026 catch-up', '2026-Q3')).toBe('Q3 2026 · Q2 2026 catch-up');
    expect(packetHeading('Q3 20265', '2026-Q3')).toBe('Q3 2026 · Q3 20265');
    expect(packetHeading('2026 review', '2026-Q3')).toBe('Q3 2026 · 2026 review');
    expect(packetHeading('Marchand 2026', '2026-03')).toBe('March 2026 · Marchand 2026');
  });
  it('words the mail subject once', () => {
    const what = packetHeading('Q3 2026 quarterly review', '2026-Q3', ' ');
    expect(`your ${what}`).toBe('your Q3 2026 quarterly review');
  });
  it('titleNamesPeriod matches a non-standard stored period as text', () => {
    expect(titleNamesPeriod('Spring review', 'Spring')).toBe(true);
  });
});
