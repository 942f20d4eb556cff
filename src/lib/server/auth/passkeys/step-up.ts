// The firm setting "Staff must confirm with a passkey": a staff session then needs a passkey
// (a passkey sign-in, or a confirmation after an emailed link or code) before any /firm page.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { firm, membership, type Firm, type Session } from '../../db/schema';
import { countPasskeys } from './credentials';
import { updateFirmSetting, type SettingActor } from '../../firm/settings';

/** Where a staff session goes to confirm, coming back to `next` afterwards. */
export function stepUpPath(next: string): string {
  return `/confirm-passkey?next=${encodeURIComponent(next)}`;
}

/** True when this staff session must confirm with a passkey before the firm's pages. */
export function stepUpNeeded(
  f: Pick<Firm, 'staffPasskeyRequired'>,
  s: Pick<Session, 'kind' | 'passkeyConfirmedAt'> | null
): boolean {
  return f.staffPasskeyRequired && s?.kind === 'staff' && !s.passkeyConfirmedAt;
}

/** The firm whose workspace a member's staff session opens (the first joined, as requireStaff). */
export async function staffFirmOf(db: Db, userId: string): Promise<Firm | null> {
  const [row] = await db
    .select({ firm })
    .from(membership)
    .innerJoin(firm, eq(firm.id, membership.firmId))
    .where(eq(membership.userId, userId))
    .orderBy(asc(membership.createdAt))
    .limit(1);
  return row?.firm ?? null;
}

/**
 * Whether this session may add, rename or remove the user's passkeys. Where a firm of theirs
 * requires passkeys and they have one, only a session confirmed with a passkey may: otherwise
 * anyone who got into their mailbox could swap in a passkey of their own and pass the step-up.
 */
export async function passkeyChangesAllowed(
  db: Db,
  userId: string,
  s: Pick<Session, 'passkeyConfirmedAt'> | null
): Promise<boolean> {
  if (s?.passkeyConfirmedAt) return true;
  const f = await staffFirmOf(db, userId);
  if (!f?.staffPasskeyRequired) return true;
  return (await countPasskeys(db, userId)) === 0;
}

/** Turns the setting on or off (firm/settings.ts audits it); false when it already was. */
export function setStaffPasskeyRequired(
  db: Db,
  current: Firm,
  required: boolean,
  actor: SettingActor
): Promise<boolean> {
  return updateFirmSetting(db, current, 'staffPasskeyRequired', required, actor);
}
