// The one vocabulary for a packet's state: staff (PacketStatusBadge) and clients (StatusChip)
// read the same word for the same state. Pure, so both sides and the server share it.
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';

export type PacketState =
  | 'draft'
  | 'not_opened'
  | 'waiting'
  | 'due_soon'
  | 'overdue'
  | 'question_open'
  | 'approved'
  | 'declined'
  | 'archived';

export type StateTone = 'neutral' | 'ok' | 'warn' | 'bad' | 'info';

export const PACKET_STATE_WORDS: Record<PacketState, { label: string; tone: StateTone }> = {
  draft: { label: 'Draft', tone: 'neutral' },
  not_opened: { label: 'Not opened yet', tone: 'info' },
  waiting: { label: 'Waiting for approval', tone: 'neutral' },
  due_soon: { label: 'Due soon', tone: 'warn' },
  overdue: { label: 'Overdue', tone: 'bad' },
  question_open: { label: 'Question open', tone: 'warn' },
  approved: { label: 'Approved', tone: 'ok' },
  declined: { label: 'Declined', tone: 'bad' },
  archived: { label: 'Archived', tone: 'neutral' }
};

const STATE_MESSAGES: Record<PacketState, (i: object, o: { locale: Locale }) => string> = {
  draft: m.state_draft,
  not_opened: m.state_not_opened,
  waiting: m.state_waiting,
  due_soon: m.state_due_soon,
  overdue: m.state_overdue,
  question_open: m.state_question_open,
  approved: m.state_approved,
  declined: m.state_declined,
  archived: m.state_archived
};

/** The state's word in a client's language (staff pages read PACKET_STATE_WORDS' English). */
export function stateLabel(state: PacketState, locale: Locale): string {
  return STATE_MESSAGES[state]({}, { locale });
}

export interface PacketStateInput {
  status: 'draft' | 'published' | 'archived';
  /** The current version is approved by the firm's rule (any one approver, or every one). */
  approved: boolean;
  /** An approver's standing decline of the current version ("something is wrong"). */
  declined: boolean;
  /** A contact's question staff have not answered (nor marked answered) yet. */
  questionOpen: boolean;
  /** Null for a reader with nothing due (a viewer): no "Due soon" nor "Overdue". */
  dueAt: Date | null;
  /** Whether this reader opened the current version; left out for a packet-wide state. */
  opened?: boolean;
}

const DUE_SOON_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * A packet's state, most important first. Every word is true of the packet as a whole: an open
 * question stays named until it is answered, even on an approved or archived packet.
 */
export function packetState(p: PacketStateInput, now = new Date()): PacketState {
  if (p.status === 'draft') return 'draft';
  if (p.questionOpen) return 'question_open';
  if (p.status === 'archived') return 'archived';
  if (p.approved) return 'approved';
  if (p.declined) return 'declined';
  if (p.dueAt && p.dueAt.getTime() < now.getTime()) return 'overdue';
  if (p.dueAt && p.dueAt.getTime() - now.getTime() <= DUE_SOON_MS) return 'due_soon';
  if (p.opened === false) return 'not_opened';
  return 'waiting';
}

/** "1 of 2 approvers approved"; "No approvers" when the client names none. */
export function approvalTally(approved: number, approvers: number): string {
  if (approvers === 0) return 'No approvers';
  return `${approved} of ${approvers} approver${approvers === 1 ? '' : 's'} approved`;
}
