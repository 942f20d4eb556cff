import { describe, expect, it } from 'vitest';
import { emailBreakPieces, normaliseEmail } from './email-address';

describe('emailBreakPieces', () => {
  it('breaks after the @ and before each dot, and nowhere else', () => {
    expect(emailBreakPieces('ann.lee@mail.example.co.uk')).toEqual([
      'ann',
      '.lee@',
      'mail',
      '.example',
      '.co',
      '.uk'
    ]);
    expect(emailBreakPieces('harriet-montgomery@harbour-bakery.example')).toEqual([
      'harriet-montgomery@',
      'harbour-bakery',
      '.example'
    ]);
  });

  it('gives back the address unchanged when joined, odd ones too', () => {
    for (const email of ['a@b', 'plain', '.lead@x.y', 'a..b@c', 'a@b@c.d', '']) {
      expect(emailBreakPieces(email).join('')).toBe(email);
    }
    expect(emailBreakPieces('plain')).toEqual(['plain']);
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases an address', () => {
    expect(normaliseEmail('  Ann.Lee@Mail.Example ')).toBe('ann.lee@mail.example');
    expect(normaliseEmail('a+tag@sub.domain.co')).toBe('a+tag@sub.domain.co');
  });

  it('refuses what is not an address a person types', () => {
    for (const bad of [
      '',
      null,
      undefined,
      'ann',
      'ann@',
      '@mail.example',
      'ann@mail',
      'ann@mail.x',
      'ann lee@mail.example',
      'a@b@mail.example',
      '"Ann" <ann@mail.example>',
      'ann@mail.example, bob@mail.example',
      'ann;bob@mail.example',
      `${'a'.repeat(250)}@mail.example`
    ]) {
      expect(normaliseEmail(bad), String(bad)).toBeNull();
    }
  });
});
