// Each staff member's alert choices, per firm membership, edited in /account.
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { ALERT_MODES, firm, membership } from '../db/schema';
import { minuteToTime } from './digest';

export interface AlertPreferences {
  membershipId: string;
  firmName: string;
  timeZone: string;
  questionAlerts: (typeof ALERT_MODES)[number];
  approvalAlerts: (typeof ALERT_MODES)[number];
  /** "08:00", for an <input type="time">. */
  digestTime: string;
}

/** The signed-in user's memberships with their alert choices (none for a contact). */
export async function listAlertPreferences(db: Db, userId: string): Promise<AlertPreferences[]> {
  const rows = await db
    .select({
      membershipId: membership.id,
      firmName: firm.name,
      timeZone: firm.timeZone,
      questionAlerts: membership.questionAlerts,
      approvalAlerts: membership.approvalAlerts,
      digestMinute: membership.digestMinute
    })
    .from(membership)
    .innerJoin(firm, eq(firm.id, membership.firmId))
    .where(eq(membership.userId, userId))
    .orderBy(asc(membership.createdAt));
  return rows.map(({ digestMinute, ...r }) => ({ ...r, digestTime: minuteToTime(digestMinute) }));
}

const mode = (what: string) =>
  z.enum(ALERT_MODES, { message: `Choose how you hear of ${what}: at once, daily digest or off.` });

export const alertPreferencesSchema = z.object({
  membershipId: z.string().uuid('Not found.'),
  questionAlerts: mode('questions'),
  approvalAlerts: mode('approvals'),
  digestTime: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'Enter a time like 08:00.')
    .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)))
});
export type AlertPreferencesInput = z.infer<typeof alertPreferencesSchema>;

/**
 * Saves one membership's choices, only if that membership is the user's own: false otherwise
 * (another person's or unknown id), and nothing changes.
 */
export async function saveAlertPreferences(
  db: Db,
  userId: string,
  input: AlertPreferencesInput
): Promise<boolean> {
  const rows = await db
    .update(membership)
    .set({
      questionAlerts: input.questionAlerts,
      approvalAlerts: input.approvalAlerts,
      digestMinute: input.digestTime
    })
    .where(and(eq(membership.id, input.membershipId), eq(membership.userId, userId)))
    .returning({ id: membership.id });
  return rows.length === 1;
}
