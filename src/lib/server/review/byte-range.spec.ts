import { describe, expect, it } from 'vitest';
import { contentDisposition, etagMatches, parseRange } from './byte-range';

describe('parseRange', () => {
  it('serves the whole file without a header or with one it does not understand', () => {
    expect(parseRange(null, 100)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-5', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-5,10-20', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=-', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=9-3', 100)).toEqual({ kind: 'full' });
  });

  it('reads closed, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
  });

  it('refuses ranges past the end', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=200-300', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('etagMatches', () => {
  it('matches lists, weak forms and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagMatches('W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
    expect(etagMatches(null, '"b"')).toBe(false);
  });
});

describe('contentDisposition', () => {
  it('keeps a safe ASCII name and the UTF-8 original', () => {
    expect(contentDisposition('Q3 "bank" statement.pdf', false)).toBe(
      `inline; filename="Q3 _bank_ statement.pdf"; filename*=UTF-8''Q3%20%22bank%22%20statement.pdf`
    );
    expect(contentDisposition('Relevé été', true)).toMatch(
      /^attachment; filename="Relev_ _t_.pdf"; filename\*=UTF-8''Relev%C3%A9%20%C3%A9t%C3%A9.pdf$/
    );
    expect(contentDisposition('a\r\nb/../c.pdf', false)).toContain('filename="a__b_.._c.pdf"');
  });
});
