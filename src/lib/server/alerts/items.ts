// What an alert mail says about its question, decline or approval, read from the database: the
// client, the packet as its contacts see it, the document and page, who asked, declined or
// approved, and why.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { getConfig } from '../config';
import type { Db } from '../db/client';
import {
  client,
  clientContact,
  comment,
  decision,
  document,
  packet,
  packetVersion,
  user
} from '../db/schema';
import { packetHeading } from '../../format/periods';
import { inPublishedVersion } from '../review/published';
import { isVersionApproved, listApprovals } from '../review/approval';
import { withQuestionContext } from '../packets/needs-reply';
import type {
  ApprovalAlertItem,
  DeclineAlertItem,
  QuestionAlertItem
} from '../email/templates/staff-alerts';

/** The staff page of a packet's thread, at the question when given one. */
export const threadPath = (packetId: string, commentId?: string | null) =>
  `/firm/packets/${packetId}${commentId ? `#q-${commentId}` : ''}`;

/** The staff packet page at its declines. */
export const declinePath = (packetId: string) => `/firm/packets/${packetId}#declines`;

const labelOf = (period: string, title: string) => packetHeading(title, period);

/** Questions by comment id, in the order asked. */
export async function questionItems(db: Db, commentIds: string[]): Promise<QuestionAlertItem[]> {
  if (!commentIds.length) return [];
  const origin = getConfig().origin;
  const rows = await withQuestionContext(
    db
      .select({
        id: comment.id,
        packetId: comment.packetId,
        body: comment.body,
        at: comment.at,
        page: comment.page,
        documentName: document.displayName,
        contactName: clientContact.name,
        userName: user.name,
        email: user.email,
        clientName: client.name,
        title: packetVersion.title,
        period: packetVersion.period
      })
      .from(comment)
      .$dynamic()
  )
    // As the contact saw it when asking: the latest published snapshot.
    .innerJoin(
      packetVersion,
      and(eq(packetVersion.packetId, packet.id), eq(packetVersion.version, packet.version))
    )
    .where(inArray(comment.id, commentIds))
    .orderBy(asc(comment.at), asc(comment.id));
  return rows.map((r) => ({
    clientName: r.clientName,
    packetLabel: labelOf(r.period, r.title),
    documentName: r.documentName,
    page: r.page,
    askedBy: r.contactName || r.userName || r.email,
    body: r.body,
    at: r.at,
    url: `${origin}${threadPath(r.packetId, r.id)}`
  }));
}

/** A packet version's approval: who approved it and when, and its documents. */
export async function approvalItem(
  db: Db,
  packetId: string,
  version: number
): Promise<ApprovalAlertItem | null> {
  // A digest written after the approval was withdrawn names nothing untrue.
  if (!(await isVersionApproved(db, packetId, version))) return null;
  const [head] = await db
    .select({ clientName: client.name, title: packetVersion.title, period: packetVersion.period })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(
      packetVersion,
      and(eq(packetVersion.packetId, packet.id), eq(packetVersion.version, version))
    )
    .where(eq(packet.id, packetId))
    .limit(1);
  if (!head) return null;
  const [approvers, documents] = await Promise.all([
    listApprovals(db, packetId, version),
    db
      .select({ displayName: document.displayName })
      .from(document)
      .where(and(eq(document.packetId, packetId), inPublishedVersion(version)))
      .orderBy(asc(document.position), asc(document.displayName))
  ]);
  return {
    clientName: head.clientName,
    packetLabel: labelOf(head.period, head.title),
    version,
    approvers,
    documents: documents.map((d) => d.displayName),
    url: `${getConfig().origin}${threadPath(packetId)}`
  };
}

/**
 * Declines by decision id, in the order made: only those still standing (a digest written after
 * the contact approved since names nothing untrue).
 */
export async function declineItems(db: Db, decisionIds: string[]): Promise<DeclineAlertItem[]> {
  if (!decisionIds.length) return [];
  const origin = getConfig().origin;
  const rows = await db
    .select({
      packetId: decision.packetId,
      version: decision.version,
      reason: decision.reason,
      at: decision.at,
      contactName: clientContact.name,
      userName: user.name,
      email: user.email,
      clientName: client.name,
      title: packetVersion.title,
      period: packetVersion.period
    })
    .from(decision)
    .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .innerJoin(client, eq(client.id, clientContact.clientId))
    .innerJoin(
      packetVersion,
      and(
        eq(packetVersion.packetId, decision.packetId),
        eq(packetVersion.version, decision.version)
      )
    )
    .where(
      and(
        inArray(decision.id, decisionIds),
        eq(decision.kind, 'decline'),
        isNull(decision.withdrawnAt)
      )
    )
    .orderBy(asc(decision.at), asc(decision.id));
  return rows.map((r) => ({
    clientName: r.clientName,
    packetLabel: labelOf(r.period, r.title),
    version: r.version,
    declinedBy: r.contactName || r.userName || r.email,
    reason: r.reason ?? '',
    at: r.at,
    url: `${origin}${declinePath(r.packetId)}`
  }));
}
