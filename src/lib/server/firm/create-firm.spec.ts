import { describe, expect, it } from 'vitest';
import { slugify } from './create-firm';

describe('slugify', () => {
  it('makes a URL-safe slug from a firm name', () => {
    expect(slugify('Smith & Co.')).toBe('smith-co');
    expect(slugify('Müller Treuhand AG')).toBe('muller-treuhand-ag');
    expect(slugify('!!!')).toBe('firm');
  });
});
