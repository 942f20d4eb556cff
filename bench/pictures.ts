// What drawing page 1's pictures costs the thread that serves requests: the event loop's delay
// while eight uploaded statements are drawn (on the picture thread, as the app does), against
// the same loop idle, in one run. Also prints how long each drawing took.
//   npx tsx bench/pictures.ts
// Target: the 99th percentile delay while drawing at most 2x the idle one (each figure is the
// interval between ticks of a 10 ms timer, so idle is about 10-12 ms)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { makeStatement } from './support/review-fixture';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-pictures-'));
process.env.DATA_DIR = dataDir;
const { getBlobStore, newBlobKey } = await import('../src/lib/server/storage');
const { ensurePreviews } = await import('../src/lib/server/pdf/preview');
const { stopPictureThread } = await import('../src/lib/server/pdf/pdf-picture-thread');

const DOCUMENTS = 8;
const RESOLUTION_MS = 10;
const store = getBlobStore();
const keys: string[] = [];
for (let i = 0; i < DOCUMENTS; i++) {
  const key = newBlobKey();
  await store.put(key, await makeStatement(3, `Statement ${i + 1}`));
  keys.push(key);
}
const ms = (ns: number) => ns / 1e6;

try {
  // Warm-up: the picture thread's start (pdf.js and the canvas loading) is paid once.
  const warm = newBlobKey();
  await store.put(warm, await makeStatement(1, 'Warm-up'));
  if (!(await ensurePreviews(warm))) throw new Error('the warm-up picture was not drawn');

  const drawing = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  drawing.enable();
  const started = performance.now();
  const each = await Promise.all(
    keys.map(async (key) => {
      const ok = await ensurePreviews(key);
      if (!ok) throw new Error(`page 1 of ${key} was not drawn`);
      return performance.now() - started;
    })
  );
  const drawMs = performance.now() - started;
  drawing.disable();

  const idle = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, drawMs));
  idle.disable();

  const p99 = ms(drawing.percentile(99));
  const idleP99 = ms(idle.percentile(99));
  const ratio = p99 / idleP99;
  console.log(
    `${DOCUMENTS} statements drawn in ${Math.round(drawMs)} ms (${Math.round(drawMs / DOCUMENTS)} ms each; done at ${each.map((t) => Math.round(t)).join(', ')} ms)`
  );
  console.log(
    `event loop while drawing: p50 ${ms(drawing.percentile(50)).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${ms(drawing.max).toFixed(1)} ms`
  );
  console.log(
    `event loop idle:          p50 ${ms(idle.percentile(50)).toFixed(1)} ms, p99 ${idleP99.toFixed(1)} ms, max ${ms(idle.max).toFixed(1)} ms`
  );
  console.log(
    `summary: pictures: event loop p99 while drawing ${DOCUMENTS} statements ${p99.toFixed(1)} ms vs idle ${idleP99.toFixed(1)} ms, ${ratio.toFixed(2)}x (target <= 2); ${Math.round(drawMs / DOCUMENTS)} ms per statement`
  );
  process.exitCode = ratio <= 2 ? 0 : 1;
} finally {
  await stopPictureThread();
  rmSync(dataDir, { recursive: true, force: true });
}
