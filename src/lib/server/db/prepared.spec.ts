import { describe, expect, it } from 'vitest';
import { uuidArray } from './prepared';

describe('uuidArray', () => {
  const a = '6f1c2b3a-1d2e-4f50-8a9b-0c1d2e3f4a5b';
  const b = '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';

  it('makes one array literal of any number of ids', () => {
    expect(uuidArray([])).toBe('{}');
    expect(uuidArray([a, b])).toBe(`{${a},${b}}`);
  });

  it('refuses anything that is not a uuid, which could widen the filter', () => {
    expect(() => uuidArray([`${a},${b}`])).toThrow(/not a uuid/);
    expect(() => uuidArray([a, '}'])).toThrow(/not a uuid/);
    expect(() => uuidArray(['NULL'])).toThrow(/not a uuid/);
  });
});
