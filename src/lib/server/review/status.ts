/** What a contact should notice about a packet, most important first. */
export type PacketChip =
  | 'question_open'
  | 'overdue'
  | 'due_soon'
  | 'updated'
  | 'new'
  | 'to_review'
  | 'reviewed'
  | 'archived';

export interface ChipInput {
  status: 'draft' | 'published' | 'archived';
  version: number;
  dueAt: Date | null;
  /** Version of the contact's latest approval, or null when never approved. */
  approvedVersion: number | null;
  /** The contact opened the current version (delivery.first_opened_at). */
  opened: boolean;
  /** A contact's question staff have not answered (nor marked answered) yet. */
  questionOpen: boolean;
}

const DUE_SOON_MS = 3 * 24 * 60 * 60 * 1000;

export function packetChip(p: ChipInput, now = new Date()): PacketChip {
  if (p.questionOpen) return 'question_open';
  if (p.status === 'archived') return 'archived';
  const approvedCurrent = p.approvedVersion !== null && p.approvedVersion >= p.version;
  if (approvedCurrent) return 'reviewed';
  if (p.dueAt && p.dueAt.getTime() < now.getTime()) return 'overdue';
  if (p.dueAt && p.dueAt.getTime() - now.getTime() <= DUE_SOON_MS) return 'due_soon';
  if (p.approvedVersion !== null) return 'updated';
  return p.opened ? 'to_review' : 'new';
}

const HEX = /^#[0-9a-f]{6}$/i;

/** The firm's colour, only when it is a plain #rrggbb (it ends up in a style attribute). */
export function safeBrandColor(value: string | null | undefined): string {
  return value && HEX.test(value) ? value : '#1f6f5c';
}
