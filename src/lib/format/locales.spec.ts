// The shared formatters in each client language: English keeps its own wording, the others are
// worded by Intl in that language.
import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';
import { formatAge, formatDateTime, formatDay } from './dates';
import { formatDue } from './due-dates';
import { stateLabel } from './packet-status';
import { periodLabel } from './periods';
import { describeVersionChanges } from './version-changes';
import { joinWords } from './words';

const noon = new Date('2026-12-01T12:00:00Z');

describe('formatters in a contact’s language', () => {
  it('sizes: decimal comma, and octets in French', () => {
    expect(formatBytes(2_936_013, 'en')).toBe('2.8\u00a0MB');
    expect(formatBytes(2_936_013, 'es')).toBe('2,8\u00a0MB');
    expect(formatBytes(2_936_013, 'de')).toBe('2,8\u00a0MB');
    expect(formatBytes(2_936_013, 'fr')).toBe('2,8\u00a0Mo');
    expect(formatBytes(812, 'fr')).toBe('812\u00a0o');
  });

  it('dates and times', () => {
    expect(formatDay('2026-12-02', 'en')).toBe('2 Dec 2026');
    expect(formatDay('2026-12-02', 'es')).toBe('2 dic 2026');
    expect(formatDay('2026-12-02', 'de')).toBe('2. Dez. 2026');
    expect(formatDateTime(new Date('2026-12-02T14:05:00Z'), 'UTC', {}, 'es')).toBe(
      '2 dic, 14:05 UTC'
    );
    expect(formatAge(new Date('2026-11-28T12:00:00Z'), noon, 'fr')).toBe('3 jours');
    expect(formatAge(new Date('2026-12-01T11:59:00Z'), noon, 'de')).toBe('1 Minute');
  });

  it('due dates, periods, lists, changes and states', () => {
    expect(formatDue('2026-12-04', noon, 0, 'es')).toBe('Vence en 3 días');
    expect(formatDue('2026-12-01', noon, 0, 'de')).toBe('Heute fällig');
    expect(formatDue('2026-11-20', noon, 0, 'es')).toBe('Venció el 20 nov 2026');
    expect(periodLabel('2026-Q3', 'es')).toBe('T3 2026');
    expect(periodLabel('2026-03', 'de')).toBe('März 2026');
    expect(periodLabel('2026-FY', 'fr')).toBe('Exercice 2026');
    expect(joinWords(['a', 'b', 'c'], 'es')).toBe('a, b y c');
    expect(describeVersionChanges({ added: ['X'], removed: [], details: ['title'] }, 'de')).toEqual(
      ['Hinzugefügt: X', 'Geändert: Titel']
    );
    expect(stateLabel('approved', 'fr')).toBe('Approuvé');
  });
});
