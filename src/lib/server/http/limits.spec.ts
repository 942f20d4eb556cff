import { describe, expect, it } from 'vitest';
import { CSV_BODY_LIMIT, defaultBodySizeLimit, MB, parseBodySize } from './limits';

describe('body size limits', () => {
  it('reads sizes the way adapter-node does', () => {
    expect(parseBodySize('512K')).toBe(512 * 1024);
    expect(parseBodySize('60M')).toBe(60 * MB);
    expect(parseBodySize('1g')).toBe(1024 * MB);
    expect(parseBodySize('1000')).toBe(1000);
    expect(parseBodySize('Infinity')).toBe(Infinity);
  });

  it('sizes the default BODY_SIZE_LIMIT for the largest PDF, and never below the CSV import', () => {
    expect(defaultBodySizeLimit(50)).toBe('51M');
    expect(defaultBodySizeLimit(0.5)).toBe(`${Math.ceil(CSV_BODY_LIMIT / MB) + 1}M`);
    expect(parseBodySize(defaultBodySizeLimit(12.5))).toBeGreaterThanOrEqual(13.5 * MB);
  });
});
