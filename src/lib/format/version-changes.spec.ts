import { describe, expect, it } from 'vitest';
import { describeVersionChanges } from './version-changes';

describe('what a new version changed', () => {
  it("describes a version's changes", () => {
    expect(
      describeVersionChanges({ added: ['Payroll'], removed: ['Bank', 'Loan'], details: ['title'] })
    ).toEqual(['Added Payroll', 'Removed Bank and Loan', 'Changed the title']);
    expect(describeVersionChanges({ added: [], removed: [], details: [] })).toEqual([]);
  });
});
