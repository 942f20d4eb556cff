import { describe, expect, it } from 'vitest';
import { safeBrandColor } from './status';

describe('safeBrandColor', () => {
  it('keeps #rrggbb and replaces anything else', () => {
    expect(safeBrandColor('#AA3300')).toBe('#AA3300');
    expect(safeBrandColor('red;background:url(x)')).toBe('#1f6f5c');
    expect(safeBrandColor(null)).toBe('#1f6f5c');
  });
});
