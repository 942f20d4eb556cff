import { inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../../audit';
import type { Db } from '../../db/client';
import { passkey } from '../../db/schema';
import { resetPasskeys } from './credentials';

/**
 * An owner resets a colleague's passkeys (a lost phone, someone who left a device behind): all
 * of them go, no session of theirs stays confirmed, and the audit log says who did it. Nothing
 * is mailed: their next firm page walks them through adding a new one.
 */
export async function resetMemberPasskeys(
  db: Db,
  firmId: string,
  target: { id: string; email: string },
  actor: { id: string; ip?: string | null; ua?: string | null }
): Promise<number> {
  const removed = await resetPasskeys(db, target.id);
  await recordAudit(db, {
    action: 'member.passkeys_reset',
    firmId,
    actorId: actor.id,
    subject: `user:${target.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { email: target.email, removed }
  });
  return removed;
}

/** How many passkeys each of these users has (users without any are left out). */
export async function passkeyCounts(db: Db, userIds: string[]): Promise<Record<string, number>> {
  if (userIds.length === 0) return {};
  const rows = await db
    .select({ userId: passkey.userId, n: sql<number>`count(*)::int` })
    .from(passkey)
    .where(inArray(passkey.userId, userIds))
    .groupBy(passkey.userId);
  return Object.fromEntries(rows.map((r) => [r.userId, Number(r.n)]));
}
