// What the client packet page says about approving and declining: the confirm sheets' consent
// sentences, and the lines a viewer or an approver reads about who approved or declined. Pure, so it is unit-tested.
import { endSentence, joinWords } from '$lib/format/words';

/** "I have reviewed this document and approve it." / "... these 3 documents and approve them." */
export function consentSentence(documents: number): string {
  return documents === 1
    ? 'I have reviewed this document and approve it.'
    : `I have reviewed these ${documents} documents and approve them.`;
}

/**
 * What a contact confirms when saying something is wrong (a decline): "I have reviewed this
 * document and cannot approve it." / "... these 3 documents and cannot approve them."
 */
export function declineConsentSentence(documents: number): string {
  return documents === 1
    ? 'I have reviewed this document and cannot approve it.'
    : `I have reviewed these ${documents} documents and cannot approve them.`;
}

/** "You said something is wrong on 2 Dec 2026, 14:00: the VAT is missing. Smith & Co has been told." */
export function declinedLine(when: string, reason: string, firmName: string): string {
  return `You said something is wrong on ${when}: ${endSentence(reason.trim())} ${firmName} has been told.`;
}

/** The sheet's heading: "Approve version 2?" from version 2 on, else "Approve this packet?". */
export function approveHeading(version: number): string {
  return version > 1 ? `Approve version ${version}?` : 'Approve this packet?';
}

export interface ApprovalState {
  approved: number;
  approvers: number;
  isApproved: boolean;
  rule: 'any' | 'all';
}

/** What the approvers still owe, said to whoever reads the packet; null once approved. */
export function waitingLine(a: ApprovalState, approvedByMe: boolean): string | null {
  if (a.isApproved) return null;
  if (a.approvers === 0) return 'No one has been asked to approve it yet.';
  const left = a.approvers - a.approved;
  if (approvedByMe) {
    return `Waiting for ${left === 1 ? 'one more approver' : `${left} more approvers`}: your accountant asked every approver to approve it.`;
  }
  if (a.rule === 'all' && a.approvers > 1) {
    return `Waiting for approval from all ${a.approvers} approvers (${a.approved} so far).`;
  }
  return 'Waiting for approval.';
}

/** "Approved by Ada Approver and Bo Baker." */
export function approvedByLine(names: string[]): string {
  return `Approved by ${joinWords(names)}.`;
}
