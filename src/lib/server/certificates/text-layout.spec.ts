import { describe, expect, it } from 'vitest';
import { isWinAnsi, toWinAnsi, wrapText } from './text-layout';

describe('toWinAnsi', () => {
  it('keeps what the standard fonts draw', () => {
    const text = 'Zoë Brontë-Smith — “Café” £12 €5 ™ 0f3a9c';
    expect(toWinAnsi(text)).toBe(text);
  });

  it('drops accents the fonts lack and replaces the rest', () => {
    expect(toWinAnsi('Łukasz Wałęsa')).toBe('Lukasz Walesa');
    expect(toWinAnsi('Őrs Dvořák')).toBe('Ors Dvorák');
    expect(toWinAnsi('山田 太郎')).toBe('?? ??');
    expect(toWinAnsi('Ana 🙂')).toBe('Ana ?');
    expect(toWinAnsi('e\u0301')).toBe('é');
  });

  it('turns line breaks and tabs into spaces', () => {
    expect(toWinAnsi('a\nb\tc\r\nd')).toBe('a b c  d');
  });

  it('gives only characters isWinAnsi accepts', () => {
    const out = toWinAnsi('Ĳsselmeer ǅemal Ŧ ł ı ∑ 😀 \u0000');
    expect([...out].every(isWinAnsi)).toBe(true);
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

  it('uses the measure it is given', () => {
    const wide = (s: string) => s.replace(/[^W]/g, '').length * 3 + s.replace(/W/g, '').length;
    expect(wrapText('WW ab WW', 9, wide)).toEqual(['WW ab', 'WW']);
  });
});
