// What the client packet page says about approving and declining: the confirm sheets' consent
// sentences, and the lines a viewer or an approver reads about who approved or declined. Pure, so it is unit-tested.
import { endSentence, joinWords } from '$lib/format/words';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

/** "I have reviewed this document and approve it." / "... these 3 documents and approve them." */
export function consentSentence(documents: number): string {
  return m.approve_consent({ count: documents });
}

/**
 * What a contact confirms when saying something is wrong (a decline): "I have reviewed this
 * document and cannot approve it." / "... these 3 documents and cannot approve them."
 */
export function declineConsentSentence(documents: number): string {
  return m.decline_consent({ count: documents });
}

/** "You said something is wrong on 2 Dec 2026, 14:00: the VAT is missing. Smith & Co has been told." */
export function declinedLine(when: string, reason: string, firmName: string): string {
  return m.declined_line({ when, reason: endSentence(reason.trim()), firm: firmName });
}

/** The sheet's heading: "Approve version 2?" from version 2 on, else "Approve this packet?". */
export function approveHeading(version: number): string {
  return version > 1 ? m.approve_heading_version({ version }) : m.approve_heading_packet();
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
  if (a.approvers === 0) return m.waiting_nobody();
  const left = a.approvers - a.approved;
  if (approvedByMe) {
    return m.waiting_more({ count: left });
  }
  if (a.rule === 'all' && a.approvers > 1) {
    return m.waiting_all({ approvers: a.approvers, approved: a.approved });
  }
  return m.waiting_plain();
}

/** "Approved by Ada Approver and Bo Baker." */
export function approvedByLine(names: string[]): string {
  return m.approved_by({ names: joinWords(names, getLocale()) });
}
