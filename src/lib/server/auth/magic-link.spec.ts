import { describe, expect, it } from 'vitest';
import { isSafeRedirect, maskEmail } from './magic-link';
import { describeWait } from './rate-limit';

describe('isSafeRedirect', () => {
  it('accepts relative paths on this site', () => {
    for (const ok of ['/', '/p', '/p/123?x=1', '/firm/clients#top']) {
      expect(isSafeRedirect(ok)).toBe(true);
    }
  });

  it('refuses other sites in every disguise', () => {
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      '/p\nLocation: //evil',
      'p',
      '/\u3002evil',
      '/caf\u00e9',
      '/p\u2028',
      '/p\u007f',
      '/p q'
    ]) {
      expect(isSafeRedirect(bad), bad).toBe(false);
    }
  });
});

describe('maskEmail', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmail('jane@acme.com')).toBe('j•••@acme.com');
    expect(maskEmail('x')).toBe('•••');
  });
});

describe('describeWait', () => {
  it('says when to try again in words', () => {
    expect(describeWait(1)).toBe('in 1 second');
    expect(describeWait(42)).toBe('in 42 seconds');
    expect(describeWait(60)).toBe('in 1 minute');
    expect(describeWait(3000)).toBe('in 50 minutes');
    expect(describeWait(3600)).toBe('in 1 hour');
    expect(describeWait(7200)).toBe('in 2 hours');
  });

  it('in the reader’s language', () => {
    expect(describeWait(300, 'es')).toBe('dentro de 5 minutos');
    expect(describeWait(3600, 'fr')).toBe('dans 1 heure');
    expect(describeWait(42, 'de')).toBe('in 42 Sekunden');
  });
});
