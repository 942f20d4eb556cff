import { calendarDayIn, zoneOffsetMinutes, zoneOrUtc } from '../../format/time-zone';
import type { Db } from '../db/client';
import type { ContactAccess } from '../auth/guards';
import { packetSummary } from '../packets/packets';
import { approveBlocker } from './decisions';
import { declineBlocker } from './decline';
import { packetState } from '../../format/packet-status';
import { safeBrandColor } from './status';
import { changedDetails } from './published';
import { openPacketState } from './packet-state';
import { logoView } from '../firm/logo-key';

export interface VersionEntry {
  version: number;
  current: boolean;
  added: string[];
  removed: string[];
  /** Details changed since the version before: 'title', 'period', 'note', 'due date'. */
  details: string[];
  decisions: { kind: 'approve' | 'question' | 'decline'; at: Date; withdrawnAt: Date | null }[];
}

/**
 * Everything the packet page shows a contact, in one call; it also marks the contact's delivery
 * of this version opened (`opened`: when they first opened it).
 */
export async function loadPacketView(db: Db, access: Omit<ContactAccess, 'user'>, userId: string) {
  const { packet, contact, firm } = access;
  const state = await openPacketState(db, packet, contact, userId);
  const { documents, changes, thread, decisions, versions, approval, approvals, opened } = state;
  const lastDecision = decisions[0] ?? null;
  // My standing approval of this version: only withdrawing it undoes it. A question asked after
  // approving is a question, not a change of mind (and the approval rule counts it the same way).
  const myApproval =
    decisions.find((d) => d.kind === 'approve' && d.version === packet.version && !d.withdrawnAt) ??
    null;
  const approvedCurrent = myApproval !== null;
  // My standing decline of this version: my latest say, until I approve (or decline anew).
  const myDecline =
    decisions.find((d) => d.kind === 'decline' && d.version === packet.version && !d.withdrawnAt) ??
    null;
  const viewer = contact.role === 'viewer';

  const details = new Map(versions.map((v) => [v.version, v]));
  const history: VersionEntry[] = [];
  for (let v = packet.version; v >= 1; v--) {
    const now = details.get(v);
    const before = details.get(v - 1);
    history.push({
      version: v,
      current: v === packet.version,
      added: changes.get(v)?.added ?? [],
      removed: changes.get(v)?.removed ?? [],
      details: now && before ? changedDetails(before, now) : [],
      decisions: decisions
        .filter((d) => d.version === v)
        .map((d) => ({ kind: d.kind, at: d.at, withdrawnAt: d.withdrawnAt }))
        .reverse()
    });
  }

  const zone = zoneOrUtc(firm.timeZone);
  return {
    packet: packetSummary(packet),
    /** The due date as the firm set it: a calendar day in the firm's zone (YYYY-MM-DD). */
    dueDay: packet.dueAt ? calendarDayIn(packet.dueAt, zone) : null,
    firm: {
      name: firm.name,
      brandColor: safeBrandColor(firm.brandColor),
      logo: logoView(firm.logo),
      timeZone: zone,
      /** Minutes the firm's zone is ahead of UTC now (due dates count from the firm's today). */
      utcOffset: zoneOffsetMinutes(new Date(), zone)
    },
    role: contact.role,
    documents,
    thread,
    history,
    approvedCurrent,
    approvedAt: myApproval?.at ?? null,
    /** "Something is wrong": when I said so of this version and why (null once I approved). */
    declined: myDecline ? { at: myDecline.at, reason: myDecline.reason ?? '' } : null,
    declineBlocker: declineBlocker(packet, contact),
    updatedSinceReview: lastDecision !== null && packet.version > lastDecision.version,
    approveBlocker: approveBlocker(packet, contact),
    /** Until staff act on it (a new version or archiving), an approval can be withdrawn. */
    canWithdraw: approvedCurrent && !viewer && packet.status === 'published',
    /** The packet's approval as the firm's rule reads it, and who approved (for everyone). */
    approval: {
      approved: approval.approved,
      approvers: approval.approvers,
      isApproved: approval.isApproved,
      rule: firm.approvalRule,
      by: approvals
    },
    chip: packetState({
      status: packet.status,
      approved: approval.isApproved,
      declined: approval.isDeclined,
      questionOpen: state.questionOpen,
      // A viewer has nothing due: no "Due soon" nor "Overdue" for them.
      dueAt: viewer ? null : packet.dueAt
    }),
    opened,
    /** Versions with a certificate this contact may download (approved by them), newest first. */
    certificates: state.certified
  };
}
export type PacketView = Awaited<ReturnType<typeof loadPacketView>>;
