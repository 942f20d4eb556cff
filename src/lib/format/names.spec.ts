import { describe, expect, it } from 'vitest';
import { displayNameOf, displayNameProblem } from './names';

describe('displayNameOf', () => {
  it('drops the extension and reads _ and - as spaces', () => {
    expect(displayNameOf('Balance_sheet-Q3_2026.pdf')).toBe('Balance sheet Q3 2026');
    expect(displayNameOf('P&L  --  September.PDF')).toBe('P&L September');
  });
  it('keeps dots inside the name and only drops the last extension', () => {
    expect(displayNameOf('v1.2 notes.pdf')).toBe('v1.2 notes');
  });
  it('falls back to "Document" when nothing would be left', () => {
    expect(displayNameOf('.pdf')).toBe('Document');
    expect(displayNameOf('__.pdf')).toBe('Document');
  });
  it('drops control and bidirectional-override characters, as a rename must', () => {
    expect(displayNameOf('Invoice\u202Efdp.exe.pdf')).toBe('Invoicefdp.exe');
    expect(displayNameOf('Bank\u0007 statement.pdf')).toBe('Bank statement');
    expect(displayNameProblem(displayNameOf('x\u2066y.pdf'))).toBeNull();
  });
  it('keeps at most 120 characters', () => {
    expect([...displayNameOf(`${'a'.repeat(300)}.pdf`)]).toHaveLength(120);
  });
});

describe('displayNameProblem', () => {
  it('accepts an ordinary name up to 120 characters', () => {
    expect(displayNameProblem('Balance sheet · Q3 2026 (final)')).toBeNull();
    expect(displayNameProblem('é'.repeat(120))).toBeNull();
  });
  it('refuses an empty name, a long one and control characters', () => {
    expect(displayNameProblem('')).toBe('Enter a name.');
    expect(displayNameProblem('x'.repeat(121))).toBe('At most 120 characters.');
    for (const bad of [
      'a\tb',
      'a\nb',
      'a\u0000b',
      'a\u007fb',
      'a\u0085b',
      'invoice\u202efdp.exe'
    ]) {
      expect(displayNameProblem(bad), JSON.stringify(bad)).toMatch(/no tabs or line breaks/);
    }
  });
});
