import { describe, expect, it } from 'vitest';
import { emailBreakPieces } from './email-address';

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
