import { describe, expect, it } from 'vitest';
import { brandColourProblem, contrastWithWhite, normaliseHex } from './brand-colour';

describe('brand colours', () => {
  it('reads #rgb and #rrggbb, any case', () => {
    expect(normaliseHex('#1F6F5C')).toBe('#1f6f5c');
    expect(normaliseHex(' #abc ')).toBe('#aabbcc');
    expect(normaliseHex('1f6f5c')).toBeNull();
    expect(normaliseHex('red')).toBeNull();
    expect(normaliseHex('#12345')).toBeNull();
  });

  it('measures the contrast of white text (WCAG)', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#767676')).toBeCloseTo(4.54, 2);
    expect(contrastWithWhite('#777777')).toBeLessThan(4.5);
  });

  it('refuses colours white text cannot be read on, saying why', () => {
    expect(brandColourProblem('#1f6f5c')).toBeNull();
    expect(brandColourProblem('#767676')).toBeNull();
    expect(brandColourProblem('#777777')).toMatch(/White text is hard to read on #777777/);
    expect(brandColourProblem('#ffd60a')).toMatch(/contrast 1\.\d:1, needs 4\.5:1/);
    expect(brandColourProblem('teal')).toMatch(/six hex digits/);
  });
});
