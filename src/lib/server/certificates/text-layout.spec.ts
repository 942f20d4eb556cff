import { describe, expect, it } from 'vitest';
import { toDrawable, wrapText } from './text-layout';

// A font that draws Latin-1 only, like the standard fonts (near enough for these cases).
const latin1 = (char: string) => char.codePointAt(0)! <= 0xff;
// One that draws Latin-1 and Greek.
const greek = (char: string) => latin1(char) || /\p{Script=Greek}/u.test(char);

describe('toDrawable', () => {
  it('keeps what the font draws, in NFC', () => {
    const text = 'Zoë Brontë-Smith £12 0f3a9c';
    expect(toDrawable(text, latin1)).toBe(text);
    expect(toDrawable('Ζωή Παπαδοπούλου', greek)).toBe('Ζωή Παπαδοπούλου');
    expect(toDrawable('e\u0301', latin1)).toBe('é');
  });

  it('drops accents the font lacks, takes a near twin, and replaces the rest', () => {
    expect(toDrawable('Łukasz Wałęsa', latin1)).toBe('Lukasz Walesa');
    expect(toDrawable('Őrs Dvořák', latin1)).toBe('Ors Dvorák');
    expect(toDrawable('山田 太郎', greek)).toBe('?? ??');
    expect(toDrawable('Ana 🙂', latin1)).toBe('Ana ?');
    expect(toDrawable('Олена', greek)).toBe('?????');
  });

  it('turns line breaks, tabs and odd spaces into spaces, control characters into ?, and drops format characters', () => {
    expect(toDrawable('a\nb\tc\r\nd\u00a0e\u202ff', latin1)).toBe('a b c  d e f');
    expect(toDrawable('a\u0000b', () => true)).toBe('a?b');
    expect(toDrawable('Ana\u200d Lee\u202e', () => true)).toBe('Ana Lee');
  });

  it('gives only characters the font draws', () => {
    const out = toDrawable('Ĳsselmeer ǅemal Ŧ ł ı ∑ 😀 \u0000', latin1);
    expect([...out].every(latin1)).toBe(true);
  });
});

describe('wrapText', () => {
  const chars = (s: string) => s.length;

  it('breaks between words, filling each line', () => {
    expect(wrapText('the quick brown fox jumps', 10, chars)).toEqual([
      'the quick',
      'brown fox',
      'jumps'
    ]);
  });

  it('keeps short text on one line and gives nothing for empty text', () => {
    expect(wrapText('  short  text ', 40, chars)).toEqual(['short text']);
    expect(wrapText('   ', 40, chars)).toEqual([]);
  });

  it('breaks a word longer than a line between characters', () => {
    expect(wrapText('a 0123456789abcdef z', 6, chars)).toEqual(['a', '012345', '6789ab', 'cdef z']);
  });

  it('never cuts a character made of two UTF-16 units in half', () => {
    const astral = '𝐀𝐁𝐂𝐃𝐄𝐅';
    expect(wrapText(astral, 2, (s) => [...s].length)).toEqual(['𝐀𝐁', '𝐂𝐃', '𝐄𝐅']);
  });

  it('uses the measure it is given', () => {
    const wide = (s: string) => s.replace(/[^W]/g, '').length * 3 + s.replace(/W/g, '').length;
    expect(wrapText('WW ab WW', 9, wide)).toEqual(['WW ab', 'WW']);
  });
});
