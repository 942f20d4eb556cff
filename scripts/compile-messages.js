// Compiles messages/*.json into src/lib/paraglide/ (generated, not committed). The Vite plugin
// does the same on every build and dev start; this is for `npm run check` and `prepare` on a
// fresh clone. Unchanged inputs leave the output alone: rewriting it under a running server or
// test would pull modules from under their importers.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from './paraglide-options.js';

const inputs = [
  ...readdirSync('messages').map((f) => path.join('messages', f)),
  path.join('project.inlang', 'settings.json'),
  path.join('scripts', 'paraglide-options.js'),
  path.join('node_modules', '@inlang', 'paraglide-js', 'package.json')
].sort();
const hash = createHash('sha256');
for (const file of inputs) hash.update(file).update(readFileSync(file));
const digest = hash.digest('hex');
const stamp = path.join(paraglideOptions.outdir, '.inputs-sha256');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  await compile(paraglideOptions);
  writeFileSync(stamp, digest);
}
