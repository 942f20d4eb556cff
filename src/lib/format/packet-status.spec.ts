import { describe, expect, it } from 'vitest';
import {
  PACKET_STATE_WORDS,
  approvalTally,
  packetState,
  type PacketStateInput
} from './packet-status';

const now = new Date('2026-10-10T12:00:00Z');
const base: PacketStateInput = {
  status: 'published',
  approved: false,
  declined: false,
  questionOpen: false,
  dueAt: null
};
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('packetState', () => {
  it('says a published packet waits for approval, and for this reader whether it is unopened', () => {
    expect(packetState(base, now)).toBe('waiting');
    expect(packetState({ ...base, opened: true }, now)).toBe('waiting');
    expect(packetState({ ...base, opened: false }, now)).toBe('not_opened');
  });

  it('says approved once the rule is met, even past the due date', () => {
    expect(packetState({ ...base, approved: true, dueAt: days(-1) }, now)).toBe('approved');
  });

  it('warns of due dates within three days and past ones, only where something is due', () => {
    expect(packetState({ ...base, dueAt: days(2) }, now)).toBe('due_soon');
    expect(packetState({ ...base, dueAt: days(5), opened: false }, now)).toBe('not_opened');
    expect(packetState({ ...base, dueAt: days(-1) }, now)).toBe('overdue');
  });

  it('names an unanswered question above approval and archiving, never on a draft', () => {
    expect(packetState({ ...base, approved: true, questionOpen: true }, now)).toBe('question_open');
    expect(packetState({ ...base, status: 'archived', questionOpen: true }, now)).toBe(
      'question_open'
    );
    expect(packetState({ ...base, status: 'draft', questionOpen: true }, now)).toBe('draft');
  });

  it('says declined while an approver says something is wrong, unless the version is approved', () => {
    expect(packetState({ ...base, declined: true, dueAt: days(-1), opened: false }, now)).toBe(
      'declined'
    );
    expect(packetState({ ...base, declined: true, approved: true }, now)).toBe('approved');
    expect(packetState({ ...base, declined: true, questionOpen: true }, now)).toBe('question_open');
    expect(packetState({ ...base, declined: true, status: 'archived' }, now)).toBe('archived');
    expect(PACKET_STATE_WORDS.declined).toEqual({ label: 'Declined', tone: 'bad' });
  });

  it('marks archived packets, approved or not', () => {
    expect(packetState({ ...base, status: 'archived' }, now)).toBe('archived');
    expect(packetState({ ...base, status: 'archived', approved: true }, now)).toBe('archived');
  });
});

describe('the words', () => {
  it('has one distinct label per state', () => {
    const labels = Object.values(PACKET_STATE_WORDS).map((w) => w.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).not.toContain('Reviewed');
    expect(labels).not.toContain('Published');
  });

  it('counts approvals over approvers', () => {
    expect(approvalTally(1, 1)).toBe('1 of 1 approver approved');
    expect(approvalTally(1, 3)).toBe('1 of 3 approvers approved');
    expect(approvalTally(0, 0)).toBe('No approvers');
  });
});
