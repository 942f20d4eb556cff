import { describe, expect, it } from 'vitest';
import { endSentence, excerpt, joinWords, plural, singleLine } from './words';

describe('counts in words', () => {
  it('says one or many', () => {
    expect(plural(1, 'page')).toBe('1 page');
    expect(plural(0, 'page')).toBe('0 pages');
    expect(plural(3, 'reply', 'replies')).toBe('3 replies');
  });
});

describe('lists in words', () => {
  it('joins with commas and a final "and"', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['title'])).toBe('title');
    expect(joinWords(['title', 'note'])).toBe('title and note');
    expect(joinWords(['a.pdf', 'b.pdf', 'c.pdf'])).toBe('a.pdf, b.pdf and c.pdf');
  });
});

describe('sentences', () => {
  it('adds a full stop only when the text does not end in one', () => {
    expect(endSentence('Brightwater Coffee Co.')).toBe('Brightwater Coffee Co.');
    expect(endSentence('Acme Bakery')).toBe('Acme Bakery.');
    expect(endSentence('Really?  ')).toBe('Really?');
  });

  it('keeps a header value on one line', () => {
    expect(singleLine('Q3\r\nBcc: evil@example.test')).toBe('Q3 Bcc: evil@example.test');
    expect(singleLine('a\n\nb\u2028c')).toBe('a b c');
  });
});

describe('excerpts', () => {
  it('keeps a text within its length as it is', () => {
    expect(excerpt('Is the van repair in March?', 40)).toBe('Is the van repair in March?');
    expect(excerpt('abcde', 5)).toBe('abcde');
  });

  it('cuts a longer one to the length, "…" included', () => {
    expect(excerpt('abcdefgh', 5)).toBe('abcd…');
    expect(excerpt('abc defgh', 5)).toBe('abc…');
  });

  it('never cuts an emoji, a flag or an accented letter in half', () => {
    // Each is one character to a reader and two or more UTF-16 units.
    const text = `${'a'.repeat(3)}😀🇪🇸e\u0301 and more`;
    expect(excerpt(text, 5)).toBe('aaa😀…');
    expect(excerpt(text, 6)).toBe('aaa😀🇪🇸…');
    expect(excerpt(text, 7)).toBe('aaa😀🇪🇸e\u0301…');
    expect(excerpt('😀😀😀😀', 4)).toBe('😀😀😀😀');
  });
});
