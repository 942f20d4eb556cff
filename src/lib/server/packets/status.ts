import { and, asc, desc, eq, gt, inArray, isNull, lt, notLike, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  auditEvent,
  clientContact,
  comment,
  decision,
  delivery,
  document,
  documentView,
  membership,
  user,
  type Packet
} from '../db/schema';
import { packetState } from '../../format/packet-status';
import { packetApproval } from '../review/approval';
import { listDeclines } from '../review/decline';
import { inPublishedVersion } from '../review/published';
import { packetsWithOpenQuestions } from '../review/questions';
import { nameForFirm } from './contacts';
import { isOpenQuestion } from './needs-reply';

export interface ContactStatus {
  contactId: string;
  email: string;
  name: string;
  role: 'approver' | 'viewer';
  accessExpiresAt: Date | null;
  deliveryStatus: 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed' | null;
  statusDetail: string | null;
  firstOpenedAt: Date | null;
  lastOpenedAt: Date | null;
  documentsViewed: number;
  /** Their standing decision on the current version: an approval, else a decline, else a question. */
  decision: 'approve' | 'decline' | 'question' | null;
  decidedAt: Date | null;
  /** Questions of this contact's in the packet still waiting for a reply. */
  openQuestions: number;
  reminders: number;
  lastRemindedAt: Date | null;
}

/**
 * The packet's state in the words its contacts read too, its approvals over approvers, and the
 * declines of its current version (who, when, why).
 */
export async function loadPacketState(db: Db, p: Packet) {
  const [approval, open, declines] = await Promise.all([
    packetApproval(db, p.id),
    packetsWithOpenQuestions(db, [p.id]),
    p.version > 0 ? listDeclines(db, p.id, p.version) : []
  ]);
  const state = packetState({
    status: p.status,
    approved: approval.isApproved,
    declined: approval.isDeclined,
    questionOpen: open.has(p.id),
    dueAt: p.dueAt
  });
  return {
    state,
    approved: approval.approved,
    approvers: approval.approvers,
    isApproved: approval.isApproved,
    isDeclined: approval.isDeclined,
    declines
  };
}

/** A row per contact of the client for the packet's current version. */
export async function listContactStatus(db: Db, p: Packet): Promise<ContactStatus[]> {
  const rows = await db
    .select({
      contactId: clientContact.id,
      email: user.email,
      name: clientContact.name,
      role: clientContact.role,
      accessExpiresAt: clientContact.accessExpiresAt,
      deliveryStatus: delivery.status,
      statusDetail: delivery.statusDetail,
      firstOpenedAt: delivery.firstOpenedAt,
      lastOpenedAt: delivery.lastOpenedAt,
      reminders: sql<number>`coalesce(${delivery.reminders}, 0)::int`,
      lastRemindedAt: delivery.lastRemindedAt,
      // Of the documents contacts have in front of them: the published version's.
      documentsViewed: sql<number>`(select count(*)::int from ${documentView} join ${document} on ${document.id} = ${documentView.documentId} where ${documentView.contactId} = ${clientContact.id} and ${document.packetId} = ${p.id} and ${inPublishedVersion(p.version)})`,
      decision: sql<
        'approve' | 'decline' | 'question' | null
      >`(select x.kind from decision x where x.packet_id = ${p.id} and x.version = ${p.version} and x.contact_id = ${clientContact.id} and x.withdrawn_at is null order by (x.kind = 'approve') desc, (x.kind = 'decline') desc, x.at desc limit 1)`,
      decidedAt: sql<
        string | null
      >`(select x.at from decision x where x.packet_id = ${p.id} and x.version = ${p.version} and x.contact_id = ${clientContact.id} and x.withdrawn_at is null order by (x.kind = 'approve') desc, (x.kind = 'decline') desc, x.at desc limit 1)`,
      openQuestions: sql<number>`(select count(*)::int from ${comment} where ${comment.packetId} = ${p.id} and ${comment.authorId} = ${clientContact.userId} and ${isOpenQuestion()})`
    })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .leftJoin(
      delivery,
      and(
        eq(delivery.contactId, clientContact.id),
        eq(delivery.packetId, p.id),
        eq(delivery.version, p.version)
      )
    )
    .where(eq(clientContact.clientId, p.clientId))
    .orderBy(asc(user.email));
  return rows.map((r) => ({ ...r, decidedAt: r.decidedAt ? new Date(r.decidedAt) : null }));
}

export interface EarlierVersion {
  version: number;
  publishedAt: Date | null;
  publishedBy: string | null;
  recipients: number;
  /** Documents that first went out with this version. */
  added: string[];
  decisions: {
    name: string;
    email: string;
    kind: 'approve' | 'question' | 'decline';
    at: Date;
    /** The question asked with it (the comment written in the same transaction). */
    question: string | null;
    /** A decline's reason. */
    reason: string | null;
  }[];
}

/**
 * The versions before the current one, newest first: when each went out, by whom, to how many,
 * what it added, and every decision on it (kept as history after a republish, oldest first).
 */
export async function listEarlierVersions(db: Db, p: Packet): Promise<EarlierVersion[]> {
  if (p.version < 2) return [];
  const earlier = and(
    eq(delivery.firmId, p.firmId),
    eq(delivery.packetId, p.id),
    lt(delivery.version, p.version)
  );
  const [sent, published, docs, decisions] = await Promise.all([
    db
      .select({
        version: delivery.version,
        at: sql<string>`min(${delivery.createdAt})`,
        recipients: sql<number>`count(*)::int`
      })
      .from(delivery)
      .where(earlier)
      .groupBy(delivery.version),
    db
      .select({ version: sql<string>`${auditEvent.data}->>'version'`, name: user.name })
      .from(auditEvent)
      .leftJoin(user, eq(user.id, auditEvent.actorId))
      .where(
        and(
          eq(auditEvent.firmId, p.firmId),
          eq(auditEvent.subject, `packet:${p.id}`),
          inArray(auditEvent.action, ['packet.published', 'packet.republished'])
        )
      ),
    db
      .select({ version: document.version, displayName: document.displayName })
      .from(document)
      .where(
        and(
          eq(document.firmId, p.firmId),
          eq(document.packetId, p.id),
          gt(document.version, 0),
          lt(document.version, p.version)
        )
      )
      .orderBy(asc(document.position), asc(document.createdAt)),
    db
      .select({
        version: decision.version,
        kind: decision.kind,
        at: decision.at,
        name: clientContact.name,
        email: user.email,
        reason: decision.reason,
        // askQuestion writes the comment and its decision in one transaction: the same now().
        question: sql<string | null>`(select c.body from comment c
          where c.firm_id = ${decision.firmId} and c.packet_id = ${decision.packetId}
            and c.author_id = ${user.id}
            and c.at = ${decision.at} limit 1)`
      })
      .from(decision)
      .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
      .innerJoin(user, eq(user.id, clientContact.userId))
      .where(
        and(
          eq(decision.firmId, p.firmId),
          eq(decision.packetId, p.id),
          lt(decision.version, p.version),
          // A withdrawn approval is not one: the activity list says when it was withdrawn.
          isNull(decision.withdrawnAt)
        )
      )
      // The newest 500 when there are more (shown oldest first below).
      .orderBy(desc(decision.at), desc(decision.id))
      .limit(500)
  ]);
  const versions: EarlierVersion[] = [];
  for (let v = p.version - 1; v >= 1; v--) {
    const delivered = sent.find((r) => r.version === v);
    versions.push({
      version: v,
      publishedAt: delivered ? new Date(delivered.at) : null,
      publishedBy: published.find((r) => Number(r.version) === v)?.name ?? null,
      recipients: delivered?.recipients ?? 0,
      added: docs.filter((d) => d.version === v).map((d) => d.displayName),
      decisions: decisions
        .filter((d) => d.version === v)
        .reverse()
        .map((d) => ({
          name: d.name,
          email: d.email,
          kind: d.kind,
          at: d.at,
          question: d.question,
          reason: d.reason
        }))
    });
  }
  return versions;
}

/** How many of a packet's audit events its page lists (the CSV export has them all). */
export const PACKET_AUDIT_LISTED = 200;

/** The packet's audit trail, newest first, with actor names as the firm knows them. */
export async function listPacketAudit(db: Db, p: Packet) {
  return db
    .select({
      id: auditEvent.id,
      action: auditEvent.action,
      at: auditEvent.at,
      data: auditEvent.data,
      actorName: nameForFirm,
      actorEmail: user.email
    })
    .from(auditEvent)
    .leftJoin(user, eq(user.id, auditEvent.actorId))
    .leftJoin(
      membership,
      and(eq(membership.userId, auditEvent.actorId), eq(membership.firmId, p.firmId))
    )
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, auditEvent.actorId), eq(clientContact.clientId, p.clientId))
    )
    .where(
      and(
        eq(auditEvent.firmId, p.firmId),
        eq(auditEvent.subject, `packet:${p.id}`),
        // Each mail's sending and delivery is on the audit export; here each contact's
        // delivery status says it once.
        notLike(auditEvent.action, 'email.%')
      )
    )
    .orderBy(desc(auditEvent.at), desc(auditEvent.id))
    .limit(PACKET_AUDIT_LISTED);
}
