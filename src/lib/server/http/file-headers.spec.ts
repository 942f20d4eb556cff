import { describe, expect, it } from 'vitest';
import { contentDisposition, etagMatches } from './file-headers';

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
    expect(contentDisposition('sheaf-audit-smith-2026-11-01-2026-11-30', true, 'csv')).toBe(
      `attachment; filename="sheaf-audit-smith-2026-11-01-2026-11-30.csv"; filename*=UTF-8''sheaf-audit-smith-2026-11-01-2026-11-30.csv`
    );
    expect(contentDisposition('Audit.CSV', true, 'csv')).toContain('filename="Audit.CSV"');
  });
});
