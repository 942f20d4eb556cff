// Time from spawning `node build` to the first 200 from /api/healthz, on a fresh PGlite
// directory (creates the database and runs every migration) against an existing one.
// Prints the ratio existing / fresh, measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from '../scripts/build-if-stale.js';
import { cleanEnv, freePort } from '../tests/support/process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function timeToHealthy(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'build/index.js')], {
    cwd: root,
    stdio: 'ignore',
    env: cleanEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      MAIL_TRANSPORT: 'mailbox'
    })
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node build exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/healthz`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 120_000) throw new Error('no healthy answer in 120 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

buildIfStale();
const fresh: number[] = [];
const existing: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-startup-'));
  try {
    fresh.push(await timeToHealthy(dir));
    existing.push(await timeToHealthy(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `round ${i + 1}: fresh ${fresh[i].toFixed(0)} ms, existing ${existing[i].toFixed(0)} ms`
  );
}
const f = median(fresh);
const e = median(existing);
console.log(
  `summary: startup existing/fresh = ${(e / f).toFixed(2)}× (median of ${ROUNDS}: fresh ${(f / 1000).toFixed(2)} s, existing ${(e / 1000).toFixed(2)} s)`
);
