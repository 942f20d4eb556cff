// `npm run bench`: runs every bench/*.ts (this file excepted) in turn, each in its own process,
// and prints a table of their summaries. A bench reports by printing lines that start with
// `summary:`; a bench that fails is listed as failed and the others still run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dir, '..');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const self = path.basename(fileURLToPath(import.meta.url));
// startup first: it measures a cold machine best; the rest alphabetically.
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  // in-process-app.ts is the benches' shared harness, not a bench.
  .filter(
    (f) => f.endsWith('.ts') && f !== self && !f.endsWith('.d.ts') && f !== 'in-process-app.ts'
  )
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort((a, b) => Number(b === 'startup.ts') - Number(a === 'startup.ts') || a.localeCompare(b));

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  summaries: string[];
  error?: string;
}

function run(file: string): Promise<Outcome> {
  const name = file.replace(/\.ts$/, '');
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, path.join(dir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    child.on('exit', (code, signal) => {
      const summaries = out
        .split('\n')
        .filter((l) => l.startsWith('summary:'))
        .map((l) => l.slice('summary:'.length).trim());
      const ok = code === 0;
      const lines = err.trim().split('\n').filter(Boolean);
      const lastError = lines.findLast((l) => /\b\w*Error\b/.test(l)) ?? lines.at(-1);
      resolve({
        name,
        ok,
        seconds: (Date.now() - started) / 1000,
        summaries,
        error: ok ? undefined : `exit ${code ?? signal}${lastError ? `: ${lastError}` : ''}`
      });
    });
  });
}

/**
 * A CPU benchmark index, so runs on different machines can be compared: Lighthouse's own loop
 * (string appends for 500 ms, iterations per tenth of a second), here on Node's V8. The
 * median of three; a busy machine reads lower.
 */
function cpuIndex(): number {
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    let iterations = 0;
    while (performance.now() - start < 500) {
      let s = '';
      for (let j = 0; j < 10_000; j++) s += 'a';
      if (s.length === 1) throw new Error('unreachable');
      iterations++;
    }
    runs.push(Math.round(iterations / 10 / ((performance.now() - start) / 1000)));
  }
  return runs.sort((a, b) => a - b)[1];
}

const machine = () =>
  `CPU benchmark index ${cpuIndex()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
const cpus = os.cpus();
console.log(`${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}`);
const before = machine();
console.log(`before: ${before}`);

const outcomes: Outcome[] = [];
for (const file of benches) outcomes.push(await run(file));

const width = Math.max(5, ...outcomes.map((o) => o.name.length));
console.log(`\n${'bench'.padEnd(width)}  status  time     summary`);
console.log(`${'-'.repeat(width)}  ------  -------  ${'-'.repeat(40)}`);
for (const o of outcomes) {
  // A bench that missed a target still printed its figures: they say by how much.
  const lines = o.ok
    ? o.summaries.length
      ? o.summaries
      : ['(no summary printed)']
    : [...o.summaries, o.error!];
  lines.forEach((line, i) => {
    const head =
      i === 0
        ? `${o.name.padEnd(width)}  ${(o.ok ? 'ok' : 'FAILED').padEnd(6)}  ${`${o.seconds.toFixed(1)} s`.padEnd(7)}`
        : `${''.padEnd(width)}  ${''.padEnd(6)}  ${''.padEnd(7)}`;
    console.log(`${head}  ${line}`);
  });
}
const failed = outcomes.filter((o) => !o.ok).length;
console.log(`\nbefore: ${before}\nafter:  ${machine()}`);
console.log(`${outcomes.length} benches ran; ${failed} failed (a missed target fails its bench).`);
process.exit(failed ? 1 : 0);
