// Fails when a client-facing .svelte file holds words a person reads that do not come from
// messages/ (Paraglide): a text node, a user-visible attribute or prop, or a string literal that
// reads like prose, in the markup or the script. `npx tsx scripts/check-untranslated.ts` lists
// them; tests/unit/untranslated.spec.ts runs the same check.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'svelte/compiler';

/** The folders and files every contact may see (staff-only pages may stay English for now). */
export const CLIENT_FACING = [
  'src/routes/(client)',
  'src/routes/(public)/+page.svelte',
  'src/routes/(public)/PacketPreview.svelte',
  'src/routes/(public)/l',
  'src/routes/(public)/sign-in',
  'src/routes/sign-out',
  'src/routes/account',
  'src/routes/+error.svelte',
  'src/routes/+layout.svelte',
  'src/lib/components/auth',
  'src/lib/components/offline',
  'src/lib/components/passkeys',
  'src/lib/components/push',
  'src/lib/components/review',
  'src/lib/components/viewer',
  'src/lib/components/ui'
];

/** Staff-only components inside a client-facing folder. */
export const STAFF_ONLY = new Set(['src/routes/account/AlertPreferences.svelte']);

/** Words that are the same in every language. Keep this short. */
export const ALLOWED = new Set(['Sheaf', 'PDF', 'OK']);

/** Attributes and component props a person reads or hears. */
const VISIBLE = new Set([
  'aria-label',
  'aria-valuetext',
  'aria-roledescription',
  'placeholder',
  'title',
  'alt',
  'label',
  'hint',
  'heading',
  'description'
]);

export interface Finding {
  file: string;
  line: number;
  text: string;
}

const hasWords = (s: string) => /\p{L}{2,}/u.test(s);
/** A literal that reads like prose: a capital then a small letter, or several words. */
const readsLikeProse = (s: string) => /^\s*\p{Lu}\p{Ll}/u.test(s) || /\p{L}+\s+\p{L}+/u.test(s);
const allowed = (s: string) =>
  s
    .split(/[^\p{L}]+/u)
    .filter(Boolean)
    .every((w) => ALLOWED.has(w));

type Node = { type?: string; start?: number; [key: string]: unknown };

const isConsole = (callee: Node | undefined) =>
  callee?.type === 'MemberExpression' && (callee.object as Node)?.name === 'console';

export function findUntranslated(file: string, source: string): Finding[] {
  const ast = parse(source, { modern: true }) as unknown as Node;
  const found: Finding[] = [];
  const lineOf = (at: number) => source.slice(0, at).split('\n').length;
  const flag = (text: string, at: number) => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (hasWords(t) && !allowed(t)) found.push({ file, line: lineOf(at), text: t });
  };

  function visit(node: unknown, inSvg: boolean): void {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, inSvg);
      return;
    }
    const n = node as Node;
    // What the svelte parser keeps beside the markup: styles are not read; comments neither.
    if (n.type === 'StyleSheet' || n.type === 'Comment') return;
    const svg = inSvg || (n.type === 'RegularElement' && n.name === 'svg');
    if (n.type === 'Text' && !svg) flag(String(n.data), n.start ?? 0);
    if (n.type === 'Attribute' && Array.isArray(n.value)) {
      // class, id, href and the like are code; only what a person reads or hears is words.
      const visible = VISIBLE.has(String(n.name));
      for (const part of n.value as Node[]) {
        if (part.type !== 'Text') visit(part, svg);
        else if (visible) flag(String(part.data), part.start ?? 0);
      }
      return;
    }
    if (n.type === 'Attribute' && !VISIBLE.has(String(n.name))) {
      visit(n.value, svg);
      return;
    }
    if (n.type === 'Literal' && typeof n.value === 'string' && readsLikeProse(n.value)) {
      flag(n.value, n.start ?? 0);
    }
    if (n.type === 'TemplateElement') {
      const raw = (n.value as { cooked?: string }).cooked ?? '';
      if (readsLikeProse(raw)) flag(raw, n.start ?? 0);
    }
    // A comparison's strings (e.key === 'Escape', an error's name) and a log line are code.
    if (n.type === 'BinaryExpression' && /^[!=]==?$/.test(String(n.operator))) return;
    if (n.type === 'CallExpression' && isConsole(n.callee as Node)) return;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'parent' || key === 'metadata' || key === 'loc') continue;
      // Imports name modules, not words; a directive's name is code.
      if (n.type === 'ImportDeclaration') continue;
      if (value && typeof value === 'object') visit(value, svg);
    }
  }
  visit(ast, false);
  return found.sort((a, b) => a.line - b.line);
}

function svelteFiles(p: string): string[] {
  if (!statSync(p).isDirectory()) return p.endsWith('.svelte') ? [p] : [];
  return readdirSync(p).flatMap((e) => svelteFiles(path.join(p, e)));
}

/** Every client-facing component's untranslated words, under `root`. */
export function checkClientFacing(root: string): Finding[] {
  return CLIENT_FACING.flatMap((p) => svelteFiles(path.join(root, p)))
    .filter((file) => !STAFF_ONLY.has(path.relative(root, file)))
    .flatMap((file) => findUntranslated(path.relative(root, file), readFileSync(file, 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = checkClientFacing(process.cwd());
  for (const f of found) console.log(`${f.file}:${f.line}  ${f.text}`);
  console.log(found.length ? `${found.length} untranslated` : 'All client-facing words translated');
  process.exit(found.length ? 1 : 0);
}
