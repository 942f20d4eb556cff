// Packet periods, the one place they are parsed, worded and offered (server and browser alike).
// Stored as "2026-Q3", "2026-03" or "2026-FY"; shown as "Q3 2026", "March 2026", "FY 2026".
// No Intl in English: the client's pages word periods during hydration (see due-dates.ts).
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';
import { calendarDayIn, dateTimeFormat, zoneOrUtc } from './time-zone';

export type PeriodKind = 'quarter' | 'month' | 'year';

export interface Period {
  kind: PeriodKind;
  year: number;
  /** The quarter (1-4) or month (1-12); 0 for a financial year. */
  n: number;
}

const PERIOD = /^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2])|(FY))$/;

/** January..December, for labels that spell the month out. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

/** A stored period, or null when it is not one of the three forms. */
export function parsePeriod(value: string): Period | null {
  const m = PERIOD.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  if (m[2]) return { kind: 'quarter', year, n: Number(m[2]) };
  if (m[3]) return { kind: 'month', year, n: Number(m[3]) };
  return { kind: 'year', year, n: 0 };
}

export const isPeriod = (value: string): boolean => PERIOD.test(value);

/** The stored form: "2026-Q3", "2026-03", "2026-FY". */
export function periodValue(p: Period): string {
  if (p.kind === 'quarter') return `${p.year}-Q${p.n}`;
  if (p.kind === 'month') return `${p.year}-${String(p.n).padStart(2, '0')}`;
  return `${p.year}-FY`;
}

/** "Q3 2026", "March 2026", "FY 2026"; anything else as it is. */
export function periodLabel(value: string, locale: Locale = 'en'): string {
  const p = parsePeriod(value);
  if (!p) return value;
  const o = { locale };
  if (p.kind === 'quarter') return m.fmt_quarter({ n: p.n, year: p.year }, o);
  if (p.kind === 'month') {
    if (locale === 'en') return `${MONTH_NAMES[p.n - 1]} ${p.year}`;
    const first = new Date(Date.UTC(p.year, p.n - 1, 1));
    return dateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      first
    );
  }
  return m.fmt_fiscal_year({ year: p.year }, o);
}

/** The calendar year and month (1-12) of an instant in the zone. */
function monthIn(now: Date, timeZone: string): { year: number; month: number } {
  const [year, month] = calendarDayIn(now, zoneOrUtc(timeZone)).split('-').map(Number);
  return { year, month };
}

/** `n` quarters after (negative: before) the given one. */
function addQuarters(year: number, q: number, n: number): Period {
  const i = year * 4 + (q - 1) + n;
  return { kind: 'quarter', year: Math.floor(i / 4), n: (i % 4) + 1 };
}

function addMonths(year: number, month: number, n: number): Period {
  const i = year * 12 + (month - 1) + n;
  return { kind: 'month', year: Math.floor(i / 12), n: (i % 12) + 1 };
}

/** The default for a new packet: the last quarter completed by `now` in the firm's zone. */
export function defaultPeriod(now: Date, timeZone: string): string {
  const { year, month } = monthIn(now, timeZone);
  return periodValue(addQuarters(year, Math.ceil(month / 3), -1));
}

export interface PeriodChoice {
  value: string;
  label: string;
}

export interface PeriodGroup {
  label: 'Quarters' | 'Months' | 'Financial years';
  choices: PeriodChoice[];
}

const choiceOf = (p: Period): PeriodChoice => {
  const value = periodValue(p);
  return { value, label: periodLabel(value) };
};

const range = (from: number, to: number) =>
  Array.from({ length: from - to + 1 }, (_, i) => from - i);

/**
 * What a period select offers, newest first: the next quarter, this one and the 8 before it;
 * this month and the 17 before it; this financial year and the 3 before it. `keep` (an
 * existing packet's period) is offered too when it falls outside those.
 */
export function periodChoices(now: Date, timeZone: string, keep = ''): PeriodGroup[] {
  const { year, month } = monthIn(now, timeZone);
  const quarter = Math.ceil(month / 3);
  const groups: PeriodGroup[] = [
    {
      label: 'Quarters',
      choices: range(1, -8).map((n) => choiceOf(addQuarters(year, quarter, n)))
    },
    { label: 'Months', choices: range(0, -17).map((n) => choiceOf(addMonths(year, month, n))) },
    {
      label: 'Financial years',
      choices: range(0, -3).map((n) => choiceOf({ kind: 'year', year: year + n, n: 0 }))
    }
  ];
  const kept = parsePeriod(keep);
  if (!kept || groups.some((g) => g.choices.some((c) => c.value === keep))) return groups;
  const group = groups[{ quarter: 0, month: 1, year: 2 }[kept.kind]];
  group.choices = [...group.choices, choiceOf(kept)].sort((a, b) => b.value.localeCompare(a.value));
  return groups;
}

const WORD_GAP = String.raw`[\s\-/–_.]*`;

/** The ways a title may already write the period: "Q3 2026", "2026 Q3", "Q3-2026", "2026-09". */
function periodPattern(p: Period): RegExp {
  const y = String(p.year);
  let forms: string[];
  if (p.kind === 'quarter') forms = [`Q${p.n}${WORD_GAP}${y}`, `${y}${WORD_GAP}Q${p.n}`];
  else if (p.kind === 'month') {
    const name = MONTH_NAMES[p.n - 1];
    const mm = String(p.n).padStart(2, '0');
    forms = [`(?:${name}|${name.slice(0, 3)})${WORD_GAP}${y}`, `${y}-${mm}`, `${mm}/${y}`];
  } else forms = [`FY${WORD_GAP}${y}`, `${y}${WORD_GAP}FY`];
  return new RegExp(String.raw`(?:^|[^\p{L}\p{N}])(?:${forms.join('|')})(?![\p{L}\p{N}])`, 'iu');
}

/** True when the title already names the period in one of its usual forms. */
export function titleNamesPeriod(title: string, period: string): boolean {
  const p = parsePeriod(period);
  return p ? periodPattern(p).test(title) : title.toLowerCase().includes(period.toLowerCase());
}

/**
 * A packet as people read it: "Q3 2026 · Year-end accounts", or only the title when it names the
 * period already ("Q3 2026 quarterly review"). `joiner` is " " in a mail's running text.
 */
export function packetHeading(
  title: string,
  period: string,
  joiner = ' · ',
  locale: Locale = 'en'
): string {
  if (!period || titleNamesPeriod(title, period)) return title;
  return `${periodLabel(period, locale)}${joiner}${title}`;
}
