// The firm's own settings: name, brand colour, reply-to, time zone, reminders, link lifetimes,
// and when a packet counts as approved.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { normaliseEmail } from '../../format/email-address';
import { brandColourProblem, normaliseHex } from '../../format/brand-colour';
import { currentZoneName, isTimeZone } from '../../format/time-zone';
import { MAX_PACKET_LINK_DAYS } from '../auth/link-lifetime';
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import { APPROVAL_RULES, firm, type ApprovalRule, type Firm } from '../db/schema';

const days = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

export const firmSettingsSchema = z.object({
  name: z.string().trim().min(1, 'Enter the firm’s name.').max(120, 'At most 120 characters.'),
  brandColor: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = brandColourProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => normaliseHex(v)!),
  replyTo: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'At most 254 characters.')
    .refine(
      (v) => v === '' || normaliseEmail(v) !== null,
      'Enter an email address like office@example.com, or leave it empty.'
    )
    .transform((v) => v || null),
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, 'Choose a time zone from the list.')
    .transform(currentZoneName),
  reminderEveryDays: days(0, 30, 'Enter a whole number of days from 0 (off) to 30.'),
  packetLinkDays: days(
    1,
    MAX_PACKET_LINK_DAYS,
    `Enter a whole number of days from 1 to ${MAX_PACKET_LINK_DAYS}.`
  ),
  linkGraceDays: days(0, 30, 'Enter a whole number of days from 0 (none) to 30.')
});

export type FirmSettings = z.output<typeof firmSettingsSchema>;
export const FIRM_SETTING_FIELDS = Object.keys(firmSettingsSchema.shape) as (keyof FirmSettings)[];

/** The settings form's values as stored now. */
export function firmSettingsOf(f: Firm): FirmSettings {
  return {
    name: f.name,
    brandColor: f.brandColor,
    replyTo: f.replyTo,
    timeZone: currentZoneName(f.timeZone),
    reminderEveryDays: f.reminderEveryDays,
    packetLinkDays: f.packetLinkDays,
    linkGraceDays: f.linkGraceDays
  };
}

/**
 * Saves the settings and records what changed (before and after) in the audit log, in the
 * caller's transaction. Returns the changed field names; nothing is written when none changed.
 */
export async function updateFirmSettings(
  db: Db,
  current: Firm,
  next: FirmSettings,
  actor: { id: string; ip?: string | null; ua?: string | null }
): Promise<(keyof FirmSettings)[]> {
  const before = firmSettingsOf(current);
  const changed = FIRM_SETTING_FIELDS.filter((k) => before[k] !== next[k]);
  if (changed.length === 0) return [];
  await db.update(firm).set(next).where(eq(firm.id, current.id));
  await recordAudit(db, {
    action: 'firm.settings_updated',
    firmId: current.id,
    actorId: actor.id,
    subject: `firm:${current.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: next[k] }]))
  });
  return changed;
}

export const approvalRuleSchema = z.object({
  approvalRule: z.enum(APPROVAL_RULES, 'Choose when a packet counts as approved.')
});

/** Who changed a setting, and from where (for its audit entry). */
export interface SettingActor {
  id: string;
  ip?: string | null;
  ua?: string | null;
}

/**
 * Sets one of the firm's single-valued settings, audited as `firm.settings_updated` with what it
 * was and what it became. Returns false when it was already so (nothing written).
 */
export async function updateFirmSetting<
  K extends 'approvalRule' | 'staffPasskeyRequired' | 'senderName' | 'fromEmail' | 'logo' | 'locale'
>(
  db: Db,
  current: Pick<Firm, 'id' | K>,
  key: K,
  value: Firm[K],
  actor: SettingActor
): Promise<boolean> {
  if (current[key] === value) return false;
  await db
    .update(firm)
    .set({ [key]: value })
    .where(eq(firm.id, current.id));
  await recordAudit(db, {
    action: 'firm.settings_updated',
    firmId: current.id,
    actorId: actor.id,
    subject: `firm:${current.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { [key]: { from: current[key], to: value } }
  });
  return true;
}

/** Sets when a version counts as approved (any one approver, or every approver). */
export function updateApprovalRule(
  db: Db,
  current: Firm,
  rule: ApprovalRule,
  actor: SettingActor
): Promise<boolean> {
  return updateFirmSetting(db, current, 'approvalRule', rule, actor);
}
