// A page in Spanish, French or German starts only once that language's messages have loaded
// (hooks.client.ts). Kit's preloads cannot name that module: it is loaded with import(), by
// language. So the page's Link header names it beside Kit's modulepreloads, and the browser
// fetches it with the rest rather than a round trip after them.
//
// Which file each language is (its hashed name, and the modules it imports) is known only once
// the browser build is done, after this code is built: scripts/kit-node-imports.js writes it in
// place of the placeholder below. Where nothing was written (vite dev, unit tests) no module is
// added.
const BUILT = '__SHEAF_LOCALE_MODULES__';

function builtModules(): Record<string, string[]> {
  try {
    return JSON.parse(BUILT) as Record<string, string[]>;
  } catch {
    return {};
  }
}

const modules = builtModules();
const PRELOAD = /<([^>]*?)_app\/[^>]*>; rel="modulepreload"/;

/**
 * Kit's Link header with the modules of `locale`'s messages added, as Kit writes its own (its
 * relative prefix, `nopush`). Unchanged for English, for a language with no built module, and
 * for a header without modulepreloads.
 */
export function withLocaleModules(
  link: string | null,
  locale: string,
  built: Record<string, string[]> = modules
): string | null {
  const files = built[locale];
  if (!link || !files?.length) return link;
  const prefix = PRELOAD.exec(link)?.[1];
  if (prefix === undefined) return link;
  const missing = files.filter((file) => !link.includes(`<${prefix}${file}>`));
  if (!missing.length) return link;
  return [link, ...missing.map((file) => `<${prefix}${file}>; rel="modulepreload"; nopush`)].join(
    ', '
  );
}
