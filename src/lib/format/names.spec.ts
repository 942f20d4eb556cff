import { describe, expect, it } from 'vitest';
import { displayNameOf } from './names';

describe('displayNameOf', () => {
  it('drops the extension and reads _ and - as spaces', () => {
    expect(displayNameOf('Balance_sheet-Q3_2026.pdf')).toBe('Balance sheet Q3 2026');
    expect(displayNameOf('P&L  --  September.PDF')).toBe('P&L September');
  });
  it('keeps dots inside the name and only drops the last extension', () => {
    expect(displayNameOf('v1.2 notes.pdf')).toBe('v1.2 notes');
  });
  it('falls back to the file name when nothing would be left', () => {
    expect(displayNameOf('.pdf')).toBe('.pdf');
    expect(displayNameOf('__.pdf')).toBe('__.pdf');
  });
});
