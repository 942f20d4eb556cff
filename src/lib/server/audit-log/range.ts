// The date range of an audit export: whole calendar days in the firm's zone.
import { z } from 'zod';
import { calendarDayIn, startOfDayIn } from '../../format/time-zone';

/** The longest range one export covers. */
export const MAX_EXPORT_YEARS = 5;
const DAY_MS = 86_400_000;

const calendarDay = (label: string) =>
  z
    .string({ error: `Enter the ${label} date.` })
    .trim()
    .min(1, `Enter the ${label} date.`)
    .refine((v) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
      const d = new Date(`${v}T00:00:00Z`);
      // Rejects 2026-02-30, which Date would roll over into March.
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, `Enter the ${label} date as YYYY-MM-DD, e.g. 2026-12-06.`);

/** From and To as a form or query string sends them (YYYY-MM-DD, To included). */
export const auditRangeSchema = z
  .object({ from: calendarDay('From'), to: calendarDay('To') })
  .superRefine((v, ctx) => {
    if (v.to < v.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'To must be on or after From.' });
      return;
    }
    const days = (Date.parse(v.to) - Date.parse(v.from)) / DAY_MS;
    if (days > MAX_EXPORT_YEARS * 366) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `Choose at most ${MAX_EXPORT_YEARS} years at a time.`
      });
    }
  });

export type AuditRange = z.infer<typeof auditRangeSchema>;

/** The instants a range covers in the zone: [start of From, start of the day after To). */
export function rangeInstants(range: AuditRange, timeZone: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return { from: startOfDayIn(range.from, timeZone), to: startOfDayIn(next, timeZone) };
}

/** The form's first values: the last 30 days, today included, in the zone. */
export function defaultRange(timeZone: string, now = new Date()): AuditRange {
  return {
    from: calendarDayIn(new Date(now.getTime() - 29 * DAY_MS), timeZone),
    to: calendarDayIn(now, timeZone)
  };
}

/** The first problem of a refused range, for an answer with one message. */
export function rangeProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Enter the dates as YYYY-MM-DD.';
}
