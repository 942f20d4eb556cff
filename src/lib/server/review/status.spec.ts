import { describe, expect, it } from 'vitest';
import { packetChip, safeBrandColor, type ChipInput } from './status';

const now = new Date('2026-10-10T12:00:00Z');
const base: ChipInput = {
  status: 'published',
  version: 1,
  dueAt: null,
  approvedVersion: null,
  opened: false,
  questionOpen: false
};
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('packetChip', () => {
  it('calls an unopened packet new and an opened one to review', () => {
    expect(packetChip(base, now)).toBe('new');
    expect(packetChip({ ...base, opened: true }, now)).toBe('to_review');
  });

  it('says reviewed once the current version is approved, even when due', () => {
    expect(packetChip({ ...base, approvedVersion: 1, dueAt: days(-1) }, now)).toBe('reviewed');
  });

  it('says updated when an older version was approved', () => {
    expect(packetChip({ ...base, version: 2, approvedVersion: 1, opened: true }, now)).toBe(
      'updated'
    );
  });

  it('warns about due dates within three days and past ones', () => {
    expect(packetChip({ ...base, dueAt: days(2) }, now)).toBe('due_soon');
    expect(packetChip({ ...base, dueAt: days(5) }, now)).toBe('new');
    expect(packetChip({ ...base, dueAt: days(-1) }, now)).toBe('overdue');
  });

  it('puts an unanswered question above everything', () => {
    expect(packetChip({ ...base, approvedVersion: 1, questionOpen: true }, now)).toBe(
      'question_open'
    );
  });

  it('marks archived packets', () => {
    expect(packetChip({ ...base, status: 'archived' }, now)).toBe('archived');
  });
});

describe('safeBrandColor', () => {
  it('keeps #rrggbb and replaces anything else', () => {
    expect(safeBrandColor('#AA3300')).toBe('#AA3300');
    expect(safeBrandColor('red;background:url(x)')).toBe('#1f6f5c');
    expect(safeBrandColor(null)).toBe('#1f6f5c');
  });
});
