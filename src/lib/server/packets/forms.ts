// Form schemas for the staff workspace (one zod schema per form).
import { z } from 'zod';
import { endOfDayIn } from '../../format/time-zone';
import { displayNameProblem } from '../../format/names';
import { isPeriod } from '../../format/periods';
import { normaliseEmail } from '../../format/email-address';

export const clientSchema = z.object({
  name: z.string().trim().min(1, 'Enter the client name.').max(200, 'At most 200 characters.'),
  code: z
    .string()
    .trim()
    .min(1, 'Enter a short code, e.g. ACME.')
    .max(40, 'At most 40 characters.')
    .regex(/^[A-Za-z0-9._-]+$/, 'Letters, digits, dot, dash and underscore only.')
});

const optionalDate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (!v) return null;
    const d = new Date(`${v}T23:59:59Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'Enter a date as YYYY-MM-DD.' });
      return z.NEVER;
    }
    return d;
  });

export const contactSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'At most 254 characters.')
    .refine((v) => normaliseEmail(v) !== null, 'Enter an email address like name@example.com.'),
  name: z.string().trim().max(200, 'At most 200 characters.'),
  role: z.enum(['approver', 'viewer'], 'Choose approver or viewer.'),
  accessExpiresAt: optionalDate
});

export const contactUpdateSchema = contactSchema.pick({ role: true, accessExpiresAt: true });

export const packetSchema = z.object({
  title: z.string().trim().min(1, 'Enter a title.').max(200, 'At most 200 characters.'),
  period: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isPeriod, 'Choose a quarter, month or financial year from the list.'),
  note: z.string().trim().max(4000, 'At most 4,000 characters.'),
  dueAt: optionalDate
});

/** A document's new display name (trimmed; 1..120 characters, no control characters). */
export const documentNameSchema = z.object({
  displayName: z
    .string()
    .trim()
    .superRefine((name, ctx) => {
      const problem = displayNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
});

/**
 * A date field parses to the end of that day in UTC; a firm means the end of the day where it
 * is, so due dates and access ends read as the day entered in the firm's zone.
 */
export const dayEndIn = (day: Date | null, timeZone: string): Date | null =>
  day ? endOfDayIn(day.toISOString().slice(0, 10), timeZone) : null;
