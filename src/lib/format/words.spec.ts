import { describe, expect, it } from 'vitest';
import { endSentence, joinWords, plural, singleLine } from './words';

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
