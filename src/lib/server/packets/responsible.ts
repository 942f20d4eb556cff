// Each client's responsible staff member: who hears of its questions and approvals
// (alerts/alerts.ts). Set on the client page, in bulk from the clients list, and on creation.
import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import { client, membership, user } from '../db/schema';

export interface ResponsibleActor {
  id: string;
  ip?: string | null;
  ua?: string | null;
}

/** A refusal the staff member reads as it is; nothing was changed. */
export class ResponsibleError extends Error {
  constructor(
    message: string,
    readonly reason: 'member' | 'client'
  ) {
    super(message);
  }
}

/** Said for a member id that is not one of the firm's (unknown or another firm's alike). */
export const NOT_A_MEMBER = 'Choose someone from your firm’s staff.';

/** The member of this firm with that user id, or null. */
export async function findFirmMember(db: Db, firmId: string, userId: string) {
  const [row] = await db
    .select({ userId: user.id, name: user.name, email: user.email })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.firmId, firmId), eq(membership.userId, userId)))
    .limit(1);
  return row ?? null;
}

/**
 * Makes `userId` responsible for every client in `clientIds`, all or none: each client and the
 * member must belong to the firm, or a ResponsibleError says which and nothing changes. One
 * audit event per client whose responsible member changed. Returns how many changed.
 */
export async function assignResponsible(
  db: Db,
  firmId: string,
  clientIds: string[],
  userId: string,
  actor: ResponsibleActor
): Promise<number> {
  const ids = [...new Set(clientIds)];
  if (!ids.length) throw new ResponsibleError('Select at least one client.', 'client');
  const member = await findFirmMember(db, firmId, userId);
  if (!member) throw new ResponsibleError(NOT_A_MEMBER, 'member');
  const clients = await db
    .select({ id: client.id, responsibleUserId: client.responsibleUserId })
    .from(client)
    .where(and(eq(client.firmId, firmId), inArray(client.id, ids)))
    .for('update');
  if (clients.length !== ids.length) throw new ResponsibleError('Client not found.', 'client');
  const changing = clients.filter((c) => c.responsibleUserId !== userId);
  if (!changing.length) return 0;
  await db
    .update(client)
    .set({ responsibleUserId: userId })
    .where(
      and(
        eq(client.firmId, firmId),
        inArray(
          client.id,
          changing.map((c) => c.id)
        )
      )
    );
  for (const c of changing) {
    await recordAudit(db, {
      action: 'client.responsible_set',
      firmId,
      actorId: actor.id,
      subject: `client:${c.id}`,
      ip: actor.ip,
      ua: actor.ua,
      data: { from: c.responsibleUserId, to: userId, email: member.email, bulk: ids.length > 1 }
    });
  }
  return changing.length;
}
