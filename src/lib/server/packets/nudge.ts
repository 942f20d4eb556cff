import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isVersionApproved } from '../review/approval';
import { contactIsActive } from '../auth/guards';
import { recordAudit } from '../audit';
import { clientContact, decision, delivery, user, type Firm, type Packet } from '../db/schema';
import { inNudgeCooldown, lastRemindedText } from '../../format/nudge';
import { publishedPacket } from '../review/published';
import { loadPacketMailContext } from './packet-email';
import { mailPacketLink, PublishError } from './publish';

/** A nudge to one contact reminded less than 24 hours ago, without staff confirming it. */
export class NudgeCooldownError extends Error {
  constructor(
    readonly contactId: string,
    readonly lastRemindedAt: Date,
    who: string
  ) {
    super(`${lastRemindedText(lastRemindedAt)} (${who}). Send another now?`);
  }
}

export interface NudgeResult {
  sent: number;
  /** Contacts "nudge everyone" left out: reminded in the last 24 hours. */
  skipped: number;
}

/**
 * Sends a fresh packet link to one contact, or to every approver on the current version who has
 * not decided yet. A contact reminded (nudged, or automatically) in the last 24 hours is skipped
 * by "everyone", and refused alone with NudgeCooldownError unless `confirm` is set.
 */
export async function nudgeContacts(
  db: Db,
  firm: Firm,
  p: Packet,
  actorId: string,
  contactId: string | null,
  options: { confirm?: boolean; now?: Date } = {}
): Promise<NudgeResult> {
  if (p.status !== 'published') throw new PublishError('Publish the packet first.');
  const now = options.now ?? new Date();
  // The mail names the packet as its contacts see it, not as staff are editing it.
  const shown = await publishedPacket(db, p);
  return db.transaction(async (tx) => {
    // Once the version is approved under the firm's rule nobody is waited for: "everyone" is
    // nobody, and one contact would get a mail saying the firm waits for their review.
    if (await isVersionApproved(tx, p.id, p.version)) {
      if (!contactId) return { sent: 0, skipped: 0 };
      throw new PublishError('This version is approved: nobody is waiting for a review.');
    }
    const candidates = await tx
      .select({
        deliveryId: delivery.id,
        lastRemindedAt: delivery.lastRemindedAt,
        contactId: clientContact.id,
        userId: user.id,
        email: user.email,
        name: clientContact.name,
        role: clientContact.role,
        accessExpiresAt: clientContact.accessExpiresAt
      })
      .from(delivery)
      .innerJoin(clientContact, eq(clientContact.id, delivery.contactId))
      .innerJoin(user, eq(user.id, clientContact.userId))
      .where(
        and(
          eq(delivery.packetId, p.id),
          eq(delivery.version, p.version),
          contactIsActive(),
          contactId ? eq(delivery.contactId, contactId) : isNull(delivery.reviewedAt),
          // Viewers have nothing to approve: "everyone" means the approvers still to decide.
          contactId ? undefined : eq(clientContact.role, 'approver'),
          contactId
            ? undefined
            : sql`not exists (select 1 from ${decision} where ${decision.packetId} = ${p.id} and ${decision.version} = ${p.version} and ${decision.contactId} = ${delivery.contactId} and ${decision.withdrawnAt} is null)`
        )
      )
      // The cooldown is read and written under the row lock: two staff tapping at once send one.
      .for('update', { of: delivery });
    const cooling = candidates.filter((c) => inNudgeCooldown(c.lastRemindedAt, now));
    if (contactId && cooling.length && !options.confirm) {
      const c = cooling[0];
      throw new NudgeCooldownError(c.contactId, c.lastRemindedAt!, c.name || c.email);
    }
    const targets = contactId ? candidates : candidates.filter((c) => !cooling.includes(c));
    if (targets.length) {
      const context = await loadPacketMailContext(tx, shown, shown.version);
      for (const t of targets) {
        await mailPacketLink(tx, firm, shown, context, t, 'nudge', t.deliveryId, now);
        await tx
          .update(delivery)
          .set({ lastRemindedAt: now, reminders: sql`${delivery.reminders} + 1` })
          .where(eq(delivery.id, t.deliveryId));
      }
      await recordAudit(tx, {
        action: 'packet.nudged',
        firmId: firm.id,
        actorId,
        subject: `packet:${p.id}`,
        data: { contacts: targets.map((t) => t.email) }
      });
    }
    return { sent: targets.length, skipped: contactId ? 0 : cooling.length };
  });
}
