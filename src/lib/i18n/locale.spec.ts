import { describe, expect, it } from 'vitest';
import { LOCALES } from '../server/db/schema';
import { LANGUAGE_NAMES, locales, localeOrNull, negotiateLocale } from './locale';

describe('locales', () => {
  it('are the schema’s, English first', () => {
    expect([...locales]).toEqual([...LOCALES]);
    expect(Object.keys(LANGUAGE_NAMES)).toEqual([...LOCALES]);
  });

  it('reads a field value as a locale or null', () => {
    expect(localeOrNull('es')).toBe('es');
    expect(localeOrNull('')).toBeNull();
    expect(localeOrNull('pt')).toBeNull();
    expect(localeOrNull(undefined)).toBeNull();
  });
});

describe('negotiateLocale', () => {
  it('takes the best-rated language we have', () => {
    expect(negotiateLocale('es-MX,es;q=0.9,en;q=0.8')).toBe('es');
    expect(negotiateLocale('pt-BR,pt;q=0.9,fr;q=0.5,de;q=0.7')).toBe('de');
    expect(negotiateLocale('en-GB,de;q=0.9')).toBe('en');
    expect(negotiateLocale('de;q=0.4, FR-ca')).toBe('fr');
  });

  it('answers null when it asks for none of ours, or for nothing', () => {
    expect(negotiateLocale('pt-BR,ja;q=0.5')).toBeNull();
    expect(negotiateLocale('es;q=0')).toBeNull();
    expect(negotiateLocale('')).toBeNull();
    expect(negotiateLocale(null)).toBeNull();
    expect(negotiateLocale('*')).toBeNull();
  });
});
