// Every message in every language, and the plural forms: messages/*.json are read as they are
// committed, so a key missing in one language fails here rather than falling back to English.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages.js';
import { LOCALES } from '../../src/lib/server/db/schema';

const messages = Object.fromEntries(
  LOCALES.map((l) => [
    l,
    JSON.parse(readFileSync(`messages/${l}.json`, 'utf8')) as Record<string, unknown>
  ])
);
const keysOf = (l: string) =>
  Object.keys(messages[l])
    .filter((k) => k !== '$schema')
    .sort();
/** The {placeholders} a message names, in all its variants. */
const placeholders = (value: unknown) =>
  [...new Set(JSON.stringify(value).match(/\{[a-zA-Z]+\}/g) ?? [])].sort();

describe('messages', () => {
  it('every key exists in every language', () => {
    const english = keysOf('en');
    expect(english.length).toBeGreaterThan(200);
    for (const l of LOCALES) {
      const missing = english.filter((k) => !(k in messages[l]));
      const extra = keysOf(l).filter((k) => !(k in messages.en));
      expect({ locale: l, missing, extra }).toEqual({ locale: l, missing: [], extra: [] });
    }
  });

  it('a translation names the same placeholders as the English', () => {
    for (const l of LOCALES) {
      for (const key of keysOf('en')) {
        expect([l, key, placeholders(messages[l][key])]).toEqual([
          l,
          key,
          placeholders(messages.en[key])
        ]);
      }
    }
  });

  it('no translation is empty', () => {
    for (const l of LOCALES) {
      for (const key of keysOf(l)) expect([l, key, messages[l][key]]).not.toEqual([l, key, '']);
    }
  });

  it('plural forms follow each language’s rules', () => {
    expect(m.fmt_pages({ count: 1 }, { locale: 'en' })).toBe('1 page');
    expect(m.fmt_pages({ count: 3 }, { locale: 'en' })).toBe('3 pages');
    expect(m.fmt_pages({ count: 1 }, { locale: 'es' })).toBe('1 página');
    expect(m.fmt_pages({ count: 2 }, { locale: 'es' })).toBe('2 páginas');
    expect(m.fmt_documents({ count: 1 }, { locale: 'de' })).toBe('1 Dokument');
    expect(m.fmt_documents({ count: 5 }, { locale: 'de' })).toBe('5 Dokumente');
    // French counts 0 and 1 as one.
    expect(m.fmt_pages({ count: 0 }, { locale: 'fr' })).toBe('0 page');
    expect(m.fmt_pages({ count: 2 }, { locale: 'fr' })).toBe('2 pages');
    expect(m.approve_consent({ count: 1 }, { locale: 'es' })).toBe(
      'He revisado este documento y lo apruebo.'
    );
    expect(m.approve_consent({ count: 3 }, { locale: 'fr' })).toBe(
      'J’ai examiné ces 3 documents et je les approuve.'
    );
  });
});
