import { describe, expect, it } from 'vitest';
import {
  approveHeading,
  consentSentence,
  declineConsentSentence,
  declinedLine,
  waitingLine
} from './approval-words';

describe('the approve sheet', () => {
  it('names the documents and the version being approved', () => {
    expect(consentSentence(1)).toBe('I have reviewed this document and approve it.');
    expect(consentSentence(3)).toBe('I have reviewed these 3 documents and approve them.');
    expect(approveHeading(1)).toBe('Approve this packet?');
    expect(approveHeading(2)).toBe('Approve version 2?');
  });
});

describe('the decline sheet', () => {
  it('says the contact reviewed the documents and cannot approve them', () => {
    expect(declineConsentSentence(1)).toBe('I have reviewed this document and cannot approve it.');
    expect(declineConsentSentence(3)).toBe(
      'I have reviewed these 3 documents and cannot approve them.'
    );
    expect(declineConsentSentence(0)).toBe(
      'I have reviewed these 0 documents and cannot approve them.'
    );
  });

  it('tells the contact what they said and that the firm knows, ending in one full stop', () => {
    expect(declinedLine('2 Dec 2026, 14:00', 'The VAT return is missing', 'Smith & Co')).toBe(
      'You said something is wrong on 2 Dec 2026, 14:00: The VAT return is missing. Smith & Co has been told.'
    );
    expect(declinedLine('2 Dec', '  Page 3 is blank.  ', 'Smith & Co')).toBe(
      'You said something is wrong on 2 Dec: Page 3 is blank. Smith & Co has been told.'
    );
  });
});

describe('waitingLine', () => {
  const base = { approved: 0, approvers: 1, isApproved: false, rule: 'any' as const };
  it('says nothing once approved', () => {
    expect(waitingLine({ ...base, approved: 1, isApproved: true }, true)).toBeNull();
  });

  it('tells an approver who approved under "every approver" how many are left', () => {
    const all = { ...base, approvers: 3, approved: 1, rule: 'all' as const };
    expect(waitingLine(all, true)).toMatch(/^Waiting for 2 more approvers/);
    expect(waitingLine({ ...all, approved: 2 }, true)).toMatch(/^Waiting for one more approver/);
    expect(waitingLine(all, false)).toBe('Waiting for approval from all 3 approvers (1 so far).');
  });

  it('never claims someone was asked when the client has no approver', () => {
    expect(waitingLine({ ...base, approvers: 0 }, false)).toBe(
      'No one has been asked to approve it yet.'
    );
  });
});
