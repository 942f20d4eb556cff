// SvelteKit preloads a page's modules (the Link header's modulepreloads) from lists it writes
// into each server node at build time (`export const imports = [...]`, build_server.js). It
// walks the client manifest depth first with one `seen` set for the page's static imports and
// the dynamic imports it follows for their CSS; a module that a dynamically imported chunk
// reaches first is marked seen without being listed, and is then skipped where the page imports
// it statically (find_deps in @sveltejs/kit/src/exports/vite/build/utils.js, 2.70). Those modules
// were not preloaded: the browser found them only when it parsed their importer, one round trip
// later, before the page could start (three files, 4.3 KB, on the packet page).
//
// This plugin rewrites each node's list after Kit has written it and before the adapter copies
// the output: every module the node's client entry reaches through static imports, in Kit's
// order, the missing ones after. It stops the build when Kit's node files no longer look as
// expected, so that a Kit upgrade is looked at rather than silently left unpatched.
//
// At the same moment it writes where each language's messages are in the browser build, which
// the server code needs and could not know when it was built (writeLocaleModules below).
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file the manifest entry `key` reaches through static imports (itself first).
 * @param {Record<string, { file: string; imports?: string[] }>} manifest
 * @param {string} key
 * @returns {string[]}
 */
export function staticClosure(manifest, key) {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {string[]} */
  const files = [];
  /** @param {string} k */
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    const chunk = manifest[k];
    if (!chunk) throw new Error(`sheaf:kit-node-imports: ${k} is not in the client manifest`);
    files.push(chunk.file);
    for (const i of chunk.imports ?? []) walk(i);
  };
  walk(key);
  return files;
}

const IMPORTS = /^export const imports = (\[.*\]);$/m;

/**
 * A server node file's source with its imports list completed; the list Kit wrote keeps its
 * order, and what it missed follows. Throws when the file has no imports list of Kit's shape.
 * @param {string} source
 * @param {string[]} closure
 * @returns {{ source: string; added: string[] }}
 */
export function completeNodeImports(source, closure) {
  const match = IMPORTS.exec(source);
  if (!match) {
    throw new Error(
      'sheaf:kit-node-imports: a server node has no `export const imports = [...]` line; see scripts/kit-node-imports.js'
    );
  }
  /** @type {string[]} */
  const listed = JSON.parse(match[1]);
  const added = closure.filter((file) => !listed.includes(file));
  if (!added.length) return { source, added };
  const line = `export const imports = ${JSON.stringify([...listed, ...added])};`;
  return { source: source.replace(IMPORTS, () => line), added };
}

/**
 * Completes `.svelte-kit/output/server/nodes/*.js` from the client manifest. Returns how many
 * files each node gained.
 * @param {string} outDir Kit's output directory (`.svelte-kit/output`)
 * @param {string} generatedDir Kit's generated directory (`.svelte-kit/generated`), relative to the root
 */
export function completeServerNodes(outDir, generatedDir) {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(outDir, 'client/.vite/manifest.json'), 'utf8')
  );
  const nodesDir = path.join(outDir, 'server/nodes');
  /** @type {Record<string, number>} */
  const gained = {};
  for (const name of fs.readdirSync(nodesDir)) {
    const index = /^(\d+)\.js$/.exec(name)?.[1];
    if (index === undefined) continue;
    const file = path.join(nodesDir, name);
    const source = fs.readFileSync(file, 'utf8');
    const key = `${generatedDir}/client-optimized/nodes/${index}.js`;
    // A node with no client code (a server-only layout) has no entry and no list to complete.
    if (!manifest[key]) continue;
    const result = completeNodeImports(source, staticClosure(manifest, key));
    if (result.added.length) {
      fs.writeFileSync(file, result.source);
      gained[index] = result.added.length;
    }
  }
  return gained;
}

const LOCALE_TOKEN = /(['"])__SHEAF_LOCALE_MODULES__\1/;
const MESSAGES = 'virtual:sheaf-messages/';

/**
 * Writes each language's message module and its static imports (src/lib/server/i18n/
 * locale-modules.ts reads them) into the server output, in place of its placeholder. Throws when
 * the placeholder is not found in exactly one file. Returns the languages written.
 * @param {string} outDir
 */
export function writeLocaleModules(outDir) {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(outDir, 'client/.vite/manifest.json'), 'utf8')
  );
  /** @type {Record<string, string[]>} */
  const modules = {};
  for (const key of Object.keys(manifest)) {
    if (key.startsWith(MESSAGES))
      modules[key.slice(MESSAGES.length)] = staticClosure(manifest, key);
  }
  const serverDir = path.join(outDir, 'server');
  const holders = fs
    .readdirSync(serverDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(serverDir, f))
    .filter((f) => LOCALE_TOKEN.test(fs.readFileSync(f, 'utf8')));
  if (holders.length !== 1) {
    throw new Error(
      `sheaf:kit-node-imports: the locale modules' placeholder is in ${holders.length} server files, not 1; see scripts/kit-node-imports.js`
    );
  }
  const source = fs.readFileSync(holders[0], 'utf8');
  fs.writeFileSync(
    holders[0],
    source.replace(LOCALE_TOKEN, () => JSON.stringify(JSON.stringify(modules)))
  );
  return Object.keys(modules);
}

/** @returns {import('vite').Plugin} */
export function kitNodeImports() {
  /** @type {boolean} */
  let ssr = false;
  /** @type {string} */
  let root = process.cwd();
  return {
    name: 'sheaf:kit-node-imports',
    apply: 'build',
    configResolved(config) {
      ssr = !!config.build.ssr;
      root = config.root;
    },
    // After SvelteKit's own writeBundle (listed before this plugin), which builds the client and
    // writes the server nodes; before its closeBundle, which runs the adapter.
    writeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        if (!ssr) return;
        const outDir = path.join(root, '.svelte-kit/output');
        if (!fs.existsSync(path.join(outDir, 'client/.vite/manifest.json'))) return;
        completeServerNodes(outDir, '.svelte-kit/generated');
        writeLocaleModules(outDir);
      }
    }
  };
}
