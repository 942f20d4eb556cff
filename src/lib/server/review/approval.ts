// When a packet's version counts as approved: the one rule, as SQL every status query embeds
// (dashboard, staff packet page, client pages, staff alerts), so no two screens disagree.
//
// Only approvers count: a viewer cannot approve, and an approver later made a viewer no longer
// counts. A withdrawn approval does not count. The firm's `approval_rule` says how many:
// 'any' = one approver; 'all' = every approver with access (an approver whose access ended
// still counts when they approved before it did).
import { and, asc, eq, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, decision, firm, packet, user } from '../db/schema';

type Expr = AnyColumn | SQL;

export interface PacketRef {
  id: Expr;
  version: Expr;
  clientId: Expr;
}

/** A standing (not withdrawn) approval of the packet's version by the contact `contactId`. */
const standingApproval = (p: PacketRef, contactId: SQL) =>
  sql`exists (select 1 from decision ad where ad.packet_id = ${p.id} and ad.version = ${p.version}
    and ad.contact_id = ${contactId} and ad.kind = 'approve' and ad.withdrawn_at is null)`;

/** How many approvers approved the version, and how many approvers there are to approve it. */
export function approvalCounts(p: PacketRef) {
  const approvers = sql`from client_contact ac where ac.client_id = ${p.clientId} and ac.role = 'approver'`;
  const approvedIt = standingApproval(p, sql`ac.id`);
  return {
    approved: sql<number>`(select count(*)::int ${approvers} and ${approvedIt})`,
    approvers: sql<number>`(select count(*)::int ${approvers}
      and (ac.access_expires_at is null or ac.access_expires_at > now() or ${approvedIt}))`
  };
}

/** True when the version is approved under the firm's rule (`rule`: firm.approval_rule). */
export function versionApproved(p: PacketRef, rule: Expr): SQL<boolean> {
  const { approved, approvers } = approvalCounts(p);
  return sql<boolean>`(${approved} > 0 and (${rule} <> 'all' or ${approved} >= ${approvers}))`;
}

/**
 * True when an approver's decline of the version stands: not superseded by their later approval
 * or decline (each of those withdraws it), and they are still an approver. Whether the packet
 * reads "Declined" is packetState's call: an approved version stays approved.
 */
export function versionDeclined(p: PacketRef): SQL<boolean> {
  // Nested, so that drizzle keeps the columns qualified in a select from `packet` alone (it
  // unqualifies a selected field's own column chunks, and `id` is ambiguous in here).
  const ofVersion = sql`dd.packet_id = ${p.id} and dd.version = ${p.version}`;
  return sql<boolean>`exists (select 1 from decision dd
    join client_contact dc on dc.id = dd.contact_id and dc.role = 'approver'
    where ${ofVersion} and dd.kind = 'decline' and dd.withdrawn_at is null)`;
}

/** The current version of a packet row, its client and its firm's rule, for the helpers above. */
export const currentVersionOf = {
  id: packet.id,
  version: packet.version,
  clientId: packet.clientId
};

export interface PacketApproval {
  approved: number;
  approvers: number;
  /** Approved under the firm's rule. */
  isApproved: boolean;
  /** An approver's decline of the version stands (see versionDeclined). */
  isDeclined: boolean;
}

/** The approval state of one version of a packet (the packet's current one by default). */
export async function packetApproval(
  db: Db,
  packetId: string,
  version?: number
): Promise<PacketApproval> {
  const ref = {
    ...currentVersionOf,
    version: version === undefined ? packet.version : sql`${version}::int`
  };
  const { approved, approvers } = approvalCounts(ref);
  const [row] = await db
    .select({
      approved,
      approvers,
      isApproved: versionApproved(ref, firm.approvalRule),
      isDeclined: versionDeclined(ref)
    })
    .from(packet)
    .innerJoin(firm, eq(firm.id, packet.firmId))
    .where(eq(packet.id, packetId));
  return row ?? { approved: 0, approvers: 0, isApproved: false, isDeclined: false };
}

/** Whether the packet's version counts as approved (the firm's rule, approvers only). */
export async function isVersionApproved(db: Db, packetId: string, version: number) {
  return (await packetApproval(db, packetId, version)).isApproved;
}

/**
 * An approver's approval of the version that still stands (no later decision of theirs withdrew
 * it): what counts toward the approval rule. The query joins client_contact on the decision.
 */
export function standingApprovalOf(packetId: string, version: number) {
  return and(
    eq(decision.packetId, packetId),
    eq(decision.version, version),
    eq(decision.kind, 'approve'),
    isNull(decision.withdrawnAt),
    eq(clientContact.role, 'approver')
  );
}

/** Who approved the version (approvers' standing approvals), first first, as the firm names them. */
export async function listApprovals(db: Db, packetId: string, version: number) {
  const rows = await db
    .select({ name: clientContact.name, userName: user.name, at: decision.at })
    .from(decision)
    .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(standingApprovalOf(packetId, version))
    .orderBy(asc(decision.at));
  return rows.map((r) => ({ name: r.name || r.userName, at: r.at }));
}
