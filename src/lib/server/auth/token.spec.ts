import { describe, expect, it } from 'vitest';
import { generateCode, generateToken, hashToken } from './token';

describe('hashToken', () => {
  it('is the SHA-256 hex of the token, so hashes stored before still match', () => {
    // FIPS 180-2's test vector for "abc".
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    );
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(generateToken()));
  });
});

describe('generateToken and generateCode', () => {
  it('make URL-safe tokens and six-digit codes', () => {
    expect(generateToken()).toMatch(/^[a-z2-7]{52}$/);
    expect(generateCode()).toMatch(/^\d{6}$/);
  });
});
