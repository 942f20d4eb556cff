// Builds the app with Vite when build/ is missing or older than its sources. Used by `npm start`
// and the test suites so a fresh clone and an edited tree both run current code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inputs = [
  'src',
  'static',
  'drizzle',
  'messages',
  'project.inlang/settings.json',
  'package.json',
  'svelte.config.js',
  'vite.config.ts',
  'package-lock.json'
];
const marker = path.join(root, 'build', 'index.js');
// Generated from messages/ by every build and `npm run check`: its age says nothing.
const generated = path.join(root, 'src', 'lib', 'paraglide');

/** @param {string} p @returns {number} */
function newest(p) {
  if (!existsSync(p) || p === generated) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

export function buildIsStale() {
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  return inputs.some((i) => newest(path.join(root, i)) > built);
}

// What the build prints that says nothing to whoever runs it: adapter-node's bundler reports
// the import cycles inside pdf-lib (harmless, and not ours to change) and an empty chunk. A
// first `npm start` printed fifteen such lines above its setup link.
const NOISE = [
  /^Circular dependency: node_modules\/pdf-lib\/.*$/,
  /^Generated an empty chunk: "chunks\/internal\d*\.js"\.$/
];

/** The build's output without NOISE lines. @param {string} output */
export function withoutNoise(output) {
  return output
    .split('\n')
    .filter((line) => !NOISE.some((noise) => noise.test(line)))
    .join('\n');
}

export function buildIfStale({ quiet = false } = {}) {
  const lock = path.join(root, '.svelte-kit', 'build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`Another build holds ${lock}; remove it if no build is running`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    if (!buildIsStale()) return false;
    if (!quiet) console.log('Building Sheaf (first run or sources changed)…');
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NODE_ENV: 'production' }
      }
    );
    // Errors always; the rest unless quiet, less the lines no one can act on.
    if (!quiet || result.status !== 0) process.stdout.write(withoutNoise(result.stdout ?? ''));
    process.stderr.write(withoutNoise(result.stderr ?? ''));
    if (result.status !== 0) {
      throw new Error(`vite build failed${result.error ? `: ${result.error.message}` : ''}`);
    }
    return true;
  } finally {
    rmdirSync(lock);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildIfStale();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
