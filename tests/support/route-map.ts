// The app's route map read from its files: each +page.server.ts's load and form actions, each
// +server.ts's HTTP methods. Read with the TypeScript parser (exports, not text matching), so a
// new route or action shows up here without anyone listing it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RouteEntry {
  /** The URL pattern: groups dropped, e.g. /firm/packets/[id]. */
  pattern: string;
  kind: 'page' | 'endpoint';
  /** A page: 'load' and its action names ('default' for the unnamed one); an endpoint: methods. */
  name: string;
  file: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'fallback'];

function exportedNames(source: ts.SourceFile): Map<string, ts.Expression | undefined> {
  const names = new Map<string, ts.Expression | undefined>();
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && exported(statement)) {
      names.set(statement.name.text, undefined);
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.set(d.name.text, d.initializer);
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const e of statement.exportClause.elements) names.set(e.name.text, undefined);
      }
    }
  }
  return names;
}

/** The keys of `export const actions = { ... }` (through `satisfies` / `as`). */
function actionNames(initializer: ts.Expression | undefined, file: string): string[] {
  let node = initializer;
  while (node && (ts.isSatisfiesExpression(node) || ts.isAsExpression(node))) {
    node = node.expression;
  }
  if (!node || !ts.isObjectLiteralExpression(node)) {
    throw new Error(`${file}: cannot read the actions (not an object literal)`);
  }
  return node.properties.map((p) => {
    if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return p.name.text;
    throw new Error(`${file}: cannot read an action name`);
  });
}

/** Every load, action and endpoint method under `routesDir` (src/routes). */
export function readRouteMap(routesDir = path.resolve('src/routes')): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (dir: string) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) walk(full);
      else if (item.name === '+page.server.ts' || item.name === '+server.ts') read(full);
    }
  };
  const read = (file: string) => {
    const relative = path.relative(routesDir, path.dirname(file)).split(path.sep);
    const pattern = '/' + relative.filter((s) => s && !/^\(.*\)$/.test(s)).join('/');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const names = exportedNames(source);
    const shortFile = path.relative(process.cwd(), file);
    if (file.endsWith('+server.ts')) {
      for (const name of names.keys()) {
        if (METHODS.includes(name))
          entries.push({ pattern, kind: 'endpoint', name, file: shortFile });
      }
      return;
    }
    if (names.has('load')) entries.push({ pattern, kind: 'page', name: 'load', file: shortFile });
    if (names.has('actions')) {
      for (const name of actionNames(names.get('actions'), shortFile)) {
        entries.push({ pattern, kind: 'page', name, file: shortFile });
      }
    }
  };
  walk(routesDir);
  return entries.sort((a, b) => (a.pattern + a.name).localeCompare(b.pattern + b.name));
}

/** How well `pathname` fits `pattern`: null when it does not; more static segments fit better. */
function fit(pattern: string, pathname: string): number | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  let statics = 0;
  for (let i = 0; i < want.length; i++) {
    if (/^\[[^\]]+\]$/.test(want[i])) continue;
    if (want[i].includes('[')) {
      // A parameter with static parts, e.g. `[size].png`.
      const parts = want[i].split(/\[[^\]]+\]/).map((p) => p.replace(/[.*+?^${}()|\\]/g, '\\$&'));
      if (!new RegExp(`^${parts.join('[^/]+')}$`).test(got[i])) return null;
      continue;
    }
    if (want[i] !== got[i]) return null;
    statics++;
  }
  return statics;
}

/**
 * The route entry a request reaches, as SvelteKit routes it (static segments before
 * parameters): a GET or HEAD reaches a page's load or an endpoint's GET (or HEAD); a POST with
 * `?/name` a page's action `name` (without, `default`), or an endpoint's POST.
 */
export function entryFor(
  entries: RouteEntry[],
  method: 'GET' | 'HEAD' | 'POST',
  url: string
): RouteEntry | undefined {
  const [pathname, query = ''] = url.split('?');
  const candidates = [...new Set(entries.map((e) => e.pattern))]
    .map((pattern) => ({ pattern, score: fit(pattern, pathname) }))
    .filter((c): c is { pattern: string; score: number } => c.score !== null)
    .sort((a, b) => b.score - a.score);
  const pattern = candidates[0]?.pattern;
  if (pattern === undefined) return undefined;
  const at = entries.filter((e) => e.pattern === pattern);
  const action = [...new URLSearchParams(query).keys()].find((k) => k.startsWith('/'));
  const wanted =
    method === 'POST'
      ? [
          { kind: 'page', name: action ? action.slice(1) : 'default' },
          { kind: 'endpoint', name: 'POST' }
        ]
      : [
          { kind: 'page', name: 'load' },
          { kind: 'endpoint', name: method },
          { kind: 'endpoint', name: 'GET' }
        ];
  for (const w of wanted) {
    const found = at.find((e) => e.kind === w.kind && e.name === w.name);
    if (found) return found;
  }
  return undefined;
}
