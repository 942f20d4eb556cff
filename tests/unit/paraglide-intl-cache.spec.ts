// The bundles' message registry makes each Intl formatter once (scripts/paraglide-intl-cache.js):
// the same words as Paraglide's own registry, without a new PluralRules per message call.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheIntlFormatters } from '../../scripts/paraglide-intl-cache.js';

const source = readFileSync('src/lib/paraglide/registry.js', 'utf8');
type Registry = typeof import('../../src/lib/paraglide/registry.js');

async function load(code: string): Promise<Registry> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'registry-')), 'registry.mjs');
  writeFileSync(file, code);
  return import(/* @vite-ignore */ pathToFileURL(file).href);
}

const PluralRules = Intl.PluralRules;
const writableIntl = Intl as { PluralRules: typeof PluralRules };
afterEach(() => {
  writableIntl.PluralRules = PluralRules;
});

describe('the cached message registry', () => {
  it('leaves no formatter made per call', () => {
    expect(source).toMatch(/new Intl\.PluralRules\(/);
    expect(cacheIntlFormatters(source)).not.toMatch(/new Intl\./);
  });

  it('gives the same words as Paraglide’s own', async () => {
    const [own, cached] = await Promise.all([load(source), load(cacheIntlFormatters(source))]);
    for (const locale of ['en', 'es', 'fr', 'de'] as const) {
      for (const n of [0, 1, 2, 5, 21, 1.5]) {
        expect(cached.plural(locale, n, {})).toBe(own.plural(locale, n, {}));
        expect(cached.plural(locale, n, { type: 'ordinal' })).toBe(
          own.plural(locale, n, { type: 'ordinal' })
        );
        expect(cached.number(locale, n * 1000, {})).toBe(own.number(locale, n * 1000, {}));
      }
      const day = '2026-12-06T10:00:00Z';
      const opts = { dateStyle: 'long', timeZone: 'UTC' } as const;
      expect(cached.datetime(locale, day, opts)).toBe(own.datetime(locale, day, opts));
    }
  });

  it('makes one PluralRules per locale and options, however many messages ask', async () => {
    const cached = await load(cacheIntlFormatters(source));
    let made = 0;
    writableIntl.PluralRules = class extends PluralRules {
      constructor(...args: ConstructorParameters<typeof PluralRules>) {
        super(...args);
        made++;
      }
    } as typeof PluralRules;
    for (let i = 0; i < 50; i++) cached.plural('es', i, {});
    for (let i = 0; i < 50; i++) cached.plural('es', i, { type: 'ordinal' });
    for (let i = 0; i < 50; i++) cached.plural('de', i, {});
    expect(made).toBe(3);
  });
});
