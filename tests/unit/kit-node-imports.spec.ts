// A page preloads every module it imports statically (scripts/kit-node-imports.js), including
// those SvelteKit's own list leaves out when a lazily loaded chunk reaches them first.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  completeNodeImports,
  completeServerNodes,
  staticClosure,
  writeLocaleModules
} from '../../scripts/kit-node-imports.js';

const NODE = '.svelte-kit/generated/client-optimized/nodes/5.js';
// The page imports `lazy` (a chunk with a dynamic import of `card`) before `shared`; `card`
// imports `shared` too. Kit walks `lazy`'s dynamic import for its CSS first, marks `shared` seen
// there without listing it, and skips it where the page imports it.
const manifest = {
  [NODE]: { file: '_app/immutable/nodes/5.js', isEntry: true, imports: ['_page.js'] },
  '_page.js': { file: '_app/immutable/chunks/page.js', imports: ['_lazy.js', '_shared.js'] },
  '_lazy.js': { file: '_app/immutable/chunks/lazy.js', dynamicImports: ['_card.js'] },
  '_card.js': { file: '_app/immutable/chunks/card.js', imports: ['_shared.js'] },
  '_shared.js': { file: '_app/immutable/chunks/shared.js' }
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("a page's preloaded modules", () => {
  it('leave a statically imported module out in the installed SvelteKit, which this plugin exists for', async () => {
    const kit = path.dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
    const utils = path.join(kit, 'src/exports/vite/build/utils.js');
    const { find_deps } = (await import(pathToFileURL(utils).href)) as {
      find_deps: (m: unknown, entry: string, css: boolean) => { imports: string[] };
    };
    const kitList = find_deps(manifest, NODE, true).imports;
    expect(kitList).not.toContain('_app/immutable/chunks/shared.js');
    // If a Kit upgrade lists it, the plugin has nothing left to add (and can go).
    expect(staticClosure(manifest, NODE)).toEqual([
      '_app/immutable/nodes/5.js',
      '_app/immutable/chunks/page.js',
      '_app/immutable/chunks/lazy.js',
      '_app/immutable/chunks/shared.js'
    ]);
  });

  it("completes a server node's list, keeping Kit's order, and leaves lazy chunks out", () => {
    const source =
      'export const index = 5;\nexport const imports = ["_app/immutable/nodes/5.js","_app/immutable/chunks/page.js","_app/immutable/chunks/lazy.js"];\nexport const stylesheets = [];\n';
    const { source: out, added } = completeNodeImports(source, staticClosure(manifest, NODE));
    expect(added).toEqual(['_app/immutable/chunks/shared.js']);
    expect(out).toContain(
      'export const imports = ["_app/immutable/nodes/5.js","_app/immutable/chunks/page.js","_app/immutable/chunks/lazy.js","_app/immutable/chunks/shared.js"];'
    );
    expect(out).not.toContain('card.js');
    expect(out.replace(/^export const imports.*$/m, '')).toBe(
      source.replace(/^export const imports.*$/m, '')
    );
    // Complete already: unchanged.
    expect(completeNodeImports(out, staticClosure(manifest, NODE)).added).toEqual([]);
  });

  it('rewrites the node files in an output directory, and stops the build on a file it does not know', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-nodes-'));
    mkdirSync(path.join(dir, 'client/.vite'), { recursive: true });
    mkdirSync(path.join(dir, 'server/nodes'), { recursive: true });
    writeFileSync(path.join(dir, 'client/.vite/manifest.json'), JSON.stringify(manifest));
    const node = path.join(dir, 'server/nodes/5.js');
    writeFileSync(node, 'export const imports = ["_app/immutable/nodes/5.js"];\n');
    // A server-only node (no client entry) is left alone.
    writeFileSync(path.join(dir, 'server/nodes/1.js'), 'export const index = 1;\n');
    expect(completeServerNodes(dir, '.svelte-kit/generated')).toEqual({ 5: 3 });
    expect(readFileSync(node, 'utf8')).toContain('"_app/immutable/chunks/shared.js"');
    writeFileSync(node, 'export const index = 5;\n');
    expect(() => completeServerNodes(dir!, '.svelte-kit/generated')).toThrow(/kit-node-imports/);
  });

  it("writes each language's module and its imports in place of the server's placeholder", () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-locales-'));
    mkdirSync(path.join(dir, 'client/.vite'), { recursive: true });
    mkdirSync(path.join(dir, 'server/chunks'), { recursive: true });
    writeFileSync(
      path.join(dir, 'client/.vite/manifest.json'),
      JSON.stringify({
        ...manifest,
        'virtual:sheaf-messages/es': {
          file: '_app/immutable/chunks/es.js',
          imports: ['_shared.js']
        }
      })
    );
    const holder = path.join(dir, 'server/chunks/hooks.js');
    writeFileSync(holder, "const BUILT = '__SHEAF_LOCALE_MODULES__';\nexport { BUILT };\n");
    writeFileSync(path.join(dir, 'server/chunks/other.js'), 'export {};\n');
    expect(writeLocaleModules(dir)).toEqual(['es']);
    const out = readFileSync(holder, 'utf8');
    const literal = /const BUILT = (".*");/.exec(out)?.[1];
    expect(JSON.parse(JSON.parse(literal!))).toEqual({
      es: ['_app/immutable/chunks/es.js', '_app/immutable/chunks/shared.js']
    });
    // Written already (or moved): the build stops rather than shipping pages without it.
    expect(() => writeLocaleModules(dir!)).toThrow(/placeholder is in 0 server files/);
  });
});
