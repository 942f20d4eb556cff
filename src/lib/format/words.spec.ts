import { describe, expect, it } from 'vitest';
import { joinWords } from './words';

describe('lists in words', () => {
  it('joins with commas and a final "and"', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['title'])).toBe('title');
    expect(joinWords(['title', 'note'])).toBe('title and note');
    expect(joinWords(['a.pdf', 'b.pdf', 'c.pdf'])).toBe('a.pdf, b.pdf and c.pdf');
  });
});
