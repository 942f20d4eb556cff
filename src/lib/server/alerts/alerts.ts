// Staff alerts: who hears of a client's question, decline or approval, and how (DESIGN.md, "Every client
// has a responsible staff member"). alertStaff runs inside the transaction that records the
// event, so an alert exists if and only if its question, decline or approval commits.
import { and, asc, eq, sql } from 'drizzle-orm';
import { isVersionApproved } from '../review/approval';
import { getConfig } from '../config';
import type { Db } from '../db/client';
import {
  client,
  firm as firmTable,
  membership,
  staffAlert,
  user,
  type AlertMode,
  type Firm,
  type Packet
} from '../db/schema';
import { issueMagicLink } from '../auth/magic-link';
import { enqueueEmail } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { enqueuePush } from '../push/outbox';
import { alertNotice } from '../push/notices';
import {
  renderApprovalAlert,
  renderDeclineAlert,
  renderQuestionAlert
} from '../email/templates/staff-alerts';
import { approvalItem, declineItems, declinePath, questionItems, threadPath } from './items';

export interface AlertRecipient {
  userId: string;
  email: string;
  name: string;
  questionAlerts: AlertMode;
  approvalAlerts: AlertMode;
  /** False for an owner hearing of a client nobody (still a member) is responsible for. */
  responsible: boolean;
}

const recipientFields = {
  userId: user.id,
  email: user.email,
  name: user.name,
  questionAlerts: membership.questionAlerts,
  approvalAlerts: membership.approvalAlerts
};

/**
 * Who hears of a client's questions and approvals: its responsible staff member while they are
 * a member of the firm; otherwise (nobody named, or they left) every owner of the firm.
 */
export async function alertRecipients(
  db: Db,
  firmId: string,
  clientId: string
): Promise<AlertRecipient[]> {
  const responsible = await db
    .select(recipientFields)
    .from(client)
    .innerJoin(
      membership,
      and(eq(membership.userId, client.responsibleUserId), eq(membership.firmId, client.firmId))
    )
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(client.id, clientId), eq(client.firmId, firmId)));
  if (responsible.length) return responsible.map((r) => ({ ...r, responsible: true }));
  const owners = await db
    .select(recipientFields)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.firmId, firmId), eq(membership.role, 'owner')))
    .orderBy(asc(membership.createdAt));
  return owners.map((r) => ({ ...r, responsible: false }));
}

// The rule lives with the other approval queries; alerts ask it before an approval alert.
export { isVersionApproved };

export type StaffAlertEvent =
  /** A contact's question (a comment) on the packet's current version. */
  | { kind: 'question'; packet: Packet; commentId: string }
  /** A contact approved the packet's current version. */
  | { kind: 'approval'; packet: Packet }
  /** A contact declined the packet's current version (the decision row, with its reason). */
  | { kind: 'decline'; packet: Packet; decisionId: string };

/** The preference that rules an alert: a decline is heard of like a question. */
export const alertModeOf = (
  r: Pick<AlertRecipient, 'questionAlerts' | 'approvalAlerts'>,
  kind: StaffAlertEvent['kind']
) => (kind === 'approval' ? r.approvalAlerts : r.questionAlerts);

const ALERT_LINK_MS = 24 * 3600_000;

/**
 * Tells the client's responsible staff member (or the owners) of a question, decline or
 * approval, by their preference (a decline by the one for questions): a mail now, a row waiting
 * for their daily digest, or nothing. An approval alerts once per person and version, when the
 * version becomes approved. Call inside the transaction that records the event; never for a
 * replayed request.
 */
export async function alertStaff(tx: Db, event: StaffAlertEvent): Promise<void> {
  const { packet } = event;
  if (event.kind === 'approval' && !(await isVersionApproved(tx, packet.id, packet.version))) {
    return;
  }
  const recipients = await alertRecipients(tx, packet.firmId, packet.clientId);
  const wanted = recipients.filter((r) => alertModeOf(r, event.kind) !== 'off');
  if (!wanted.length) return;
  const [firm] = await tx.select().from(firmTable).where(eq(firmTable.id, packet.firmId));
  for (const r of wanted) {
    const mode = alertModeOf(r, event.kind);
    const [row] = await tx
      .insert(staffAlert)
      .values({
        firmId: packet.firmId,
        userId: r.userId,
        kind: event.kind,
        packetId: packet.id,
        version: packet.version,
        commentId: event.kind === 'question' ? event.commentId : null,
        decisionId: event.kind === 'decline' ? event.decisionId : null
      })
      // One approval alert per person and version: a later approver's adds nothing.
      .onConflictDoNothing()
      .returning({ id: staffAlert.id });
    if (!row || mode !== 'now') continue;
    const outboxId = await mailAlert(tx, firm, r, event);
    if (outboxId === null) continue;
    await tx
      .update(staffAlert)
      .set({ sentAt: sql`now()`, outboxId })
      .where(eq(staffAlert.id, row.id));
  }
}

/** The alert's mail: its words, where its link goes, and the outbox kind. Null: nothing to say. */
async function alertMail(tx: Db, firm: Firm, to: AlertRecipient, event: StaffAlertEvent) {
  const { packet } = event;
  const accountUrl = `${getConfig().origin}/account`;
  if (event.kind === 'question') {
    const [question] = await questionItems(tx, [event.commentId]);
    if (!question) return null;
    return {
      kind: 'alert_question',
      path: threadPath(packet.id, event.commentId),
      subject: `Question from ${question.clientName}: ${question.packetLabel}`,
      notice: alertNotice(
        firm.id,
        'alert_question',
        question.clientName,
        question.packetLabel,
        threadPath(packet.id, event.commentId),
        `question-${event.commentId}`
      ),
      render: (link: { url: string; expiresAt: Date }) =>
        renderQuestionAlert(firm, question, link, accountUrl, undefined, to.responsible)
    };
  }
  if (event.kind === 'decline') {
    const [decline] = await declineItems(tx, [event.decisionId]);
    if (!decline) return null;
    return {
      kind: 'alert_decline',
      path: declinePath(packet.id),
      subject: `Declined by ${decline.clientName}: ${decline.packetLabel}`,
      notice: alertNotice(
        firm.id,
        'alert_decline',
        decline.clientName,
        decline.packetLabel,
        declinePath(packet.id),
        `decline-${event.decisionId}`
      ),
      render: (link: { url: string; expiresAt: Date }) =>
        renderDeclineAlert(firm, decline, link, accountUrl, undefined, to.responsible)
    };
  }
  const approval = await approvalItem(tx, packet.id, packet.version);
  if (!approval) return null;
  return {
    kind: 'alert_approval',
    path: threadPath(packet.id),
    subject: `Approved: ${approval.clientName}, ${approval.packetLabel}`,
    notice: null,
    render: (link: { url: string; expiresAt: Date }) =>
      renderApprovalAlert(firm, approval, link, accountUrl, undefined, to.responsible)
  };
}

async function mailAlert(
  tx: Db,
  firm: Firm,
  to: AlertRecipient,
  event: StaffAlertEvent
): Promise<number | null> {
  const mail = await alertMail(tx, firm, to, event);
  if (!mail) return null;
  const link = await issueMagicLink(tx, {
    userId: to.userId,
    purpose: 'alert',
    firmId: firm.id,
    packetId: event.packet.id,
    redirectTo: mail.path,
    ttlMs: ALERT_LINK_MS
  });
  // Questions and declines also reach the staff member's devices; approvals are mail only.
  if (mail.notice) await enqueuePush(tx, to.userId, mail.notice);
  return enqueueEmail(tx, {
    kind: mail.kind,
    to: to.email,
    subject: mail.subject,
    ...mail.render(link),
    ...firmEnvelope(firm)
  });
}
