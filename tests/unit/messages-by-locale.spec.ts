// The browser build's messages (scripts/messages-by-locale.js), run on the messages Paraglide
// writes for a production build (one module per message; tests get one module per language):
// English in each message, the other languages in modules of their own.
import { compile } from '@inlang/paraglide-js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesByLocale } from '../../scripts/messages-by-locale.js';
import { paraglideOptions } from '../../scripts/paraglide-options.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'sheaf-messages-'));
const dir = path.join(root, 'src/lib/paraglide/messages');
beforeAll(
  () =>
    compile({
      ...paraglideOptions,
      project: path.resolve(paraglideOptions.project),
      outdir: path.join(root, 'src/lib/paraglide'),
      outputStructure: 'message-modules'
    }),
  120_000
);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fileOf = (key: string) => path.join(dir, `${key}.js`);
const source = (key: string) => readFileSync(fileOf(key), 'utf8');

function plugin() {
  const p = messagesByLocale() as Plugin & Record<string, (...args: unknown[]) => unknown>;
  (p.configResolved as (c: { root: string }) => void)({ root });
  return {
    transform: (key: string, query = '', ssr = false) =>
      (p.transform as (...a: unknown[]) => { code: string } | null).call(
        {},
        source(key),
        fileOf(key) + query,
        { ssr }
      ),
    load: (id: string) => (p.load as (id: string) => string | null).call({}, id),
    resolveId: (id: string) => (p.resolveId as (id: string) => string | null).call({}, id)
  };
}

describe('messages in the browser build', () => {
  it('a message keeps English and asks for any other language loaded', () => {
    const out = plugin().transform('approve_consent')!.code;
    expect(out).toContain(
      '__messagesFor(options.locale)?.approve_consent(inputs) ?? en_approve_consent(inputs))'
    );
    expect(out).toMatch(/^import \{ messagesFor as __messagesFor \} from "\$lib\/i18n\//);
    expect(out).not.toMatch(/return (es|fr|de)_approve_consent\(inputs\)/);
  });

  it('a message named by a reserved word works the same', () => {
    const out = plugin().transform('_continue')!.code;
    expect(out).toContain('?._continue(inputs) ?? en__continue(inputs))');
  });

  it('leaves the server build, and other modules, as Paraglide wrote them', () => {
    expect(plugin().transform('approve_consent', '', true)).toBeNull();
    expect(plugin().transform('_index')).toBeNull();
  });

  it('a language module re-exports every message in that language', () => {
    const p = plugin();
    const id = p.resolveId('virtual:sheaf-messages/es')!;
    const lines = p.load(id)!.split('\n');
    const keys = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== '_index.js');
    expect(lines).toHaveLength(keys.length);
    expect(lines).toContain(
      `export { __sheaf_locale as approve } from ${JSON.stringify(fileOf('approve') + '?sheaf-locale=es')};`
    );
    expect(p.transform('approve', '?sheaf-locale=es')!.code).toMatch(
      /\nexport \{ es_approve as __sheaf_locale \};$/
    );
    expect(() => p.load('\0virtual:sheaf-messages/pt')).toThrow(/not a language/);
  });

  it('refuses a message it does not recognise rather than ship it wrong', () => {
    const p = messagesByLocale() as Plugin & Record<string, (...args: unknown[]) => unknown>;
    const changed = source('approve').replace('const locale =', 'let locale =');
    expect(() =>
      (p.transform as (...a: unknown[]) => unknown).call({}, changed, fileOf('approve'), {})
    ).toThrow(/dispatcher/);
  });
});
