import { describe, expect, it } from 'vitest';
import { drawnImage, pngBomb, SVG_LOGO } from '../../../../tests/support/images';
import {
  DAMAGED,
  MAX_LOGO_BYTES,
  NOT_AN_IMAGE,
  readLogoFacts,
  sniffLogoType,
  TOO_LARGE_FILE
} from './logo-image';

const text = (s: string) => new TextEncoder().encode(s);

describe('sniffLogoType', () => {
  it('knows PNG, JPEG and WebP by their first bytes', () => {
    expect(sniffLogoType(drawnImage('png'))).toBe('png');
    expect(sniffLogoType(drawnImage('jpeg'))).toBe('jpeg');
    expect(sniffLogoType(drawnImage('webp'))).toBe('webp');
  });

  it('refuses SVG, GIF, text and PDF whatever they are called', () => {
    expect(sniffLogoType(SVG_LOGO)).toBeNull();
    expect(sniffLogoType(text('GIF89a\x01\x00\x01\x00'))).toBeNull();
    expect(sniffLogoType(text('just some notes, renamed logo.png'))).toBeNull();
    expect(sniffLogoType(text('%PDF-1.7'))).toBeNull();
    expect(sniffLogoType(text('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
  });
});

describe('readLogoFacts', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('reads a %s header’s pixel size', (type) => {
    expect(readLogoFacts(drawnImage(type, 321, 123))).toEqual({
      ok: true,
      type,
      width: 321,
      height: 123
    });
  });

  it('reads a lossless WebP’s size', () => {
    // Skia writes lossless WebP for PNG-like content at quality 100.
    const facts = readLogoFacts(drawnImage('webp', 64, 48));
    expect(facts).toMatchObject({ ok: true, width: 64, height: 48 });
  });

  it('refuses a 30000×30000 PNG from its header, before decoding', () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(1000);
    const facts = readLogoFacts(bomb);
    expect(facts.ok).toBe(false);
    expect(!facts.ok && facts.message).toMatch(/30000×30000 pixels.*at most 10000 pixels a side/);
  });

  it('refuses more than 40 megapixels even with both sides allowed', () => {
    const facts = readLogoFacts(pngBomb(9000, 9000));
    expect(!facts.ok && facts.message).toMatch(/9000×9000/);
  });

  it('refuses other formats, empty and oversized files with their messages', () => {
    expect(readLogoFacts(SVG_LOGO)).toEqual({ ok: false, message: NOT_AN_IMAGE });
    expect(readLogoFacts(new Uint8Array())).toEqual({
      ok: false,
      message: 'Choose an image file to upload.'
    });
    const big = new Uint8Array(MAX_LOGO_BYTES + 1);
    big.set(drawnImage('png'));
    expect(readLogoFacts(big)).toEqual({ ok: false, message: TOO_LARGE_FILE });
  });

  it.each(['png', 'jpeg', 'webp'] as const)('refuses a truncated %s as damaged', (type) => {
    const whole = drawnImage(type, 200, 80);
    for (const cut of [20, 40, Math.floor(whole.length / 2), whole.length - 3]) {
      expect(readLogoFacts(whole.subarray(0, cut))).toEqual({ ok: false, message: DAMAGED });
    }
  });

  it('refuses a PNG with no image data as damaged', () => {
    expect(readLogoFacts(pngBomb(10, 10, false))).toEqual({ ok: false, message: DAMAGED });
  });
});
