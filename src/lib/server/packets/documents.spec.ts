import { describe, expect, it } from 'vitest';
import { cleanFilename } from './documents';

describe('cleanFilename', () => {
  it('keeps the name without its path and control characters', () => {
    expect(cleanFilename('C:\\Users\\ada\\Bank\u0007 statement.pdf')).toBe('Bank statement.pdf');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename(' \u0000 ')).toBe('document.pdf');
  });

  it('cuts a long name at 200 characters, never inside an emoji', () => {
    expect(cleanFilename(`${'a'.repeat(199)}😀 statement.pdf`)).toBe(`${'a'.repeat(199)}😀`);
  });
});
