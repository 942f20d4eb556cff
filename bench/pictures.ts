// What pdf.js costs the thread that serves requests: the event loop's delay while eight uploaded
// statements have page 1 drawn, and while eight long uploads (3,000 pages; half of them 20 MB
// with a broken cross-reference table, which pdf.js rebuilds by scanning) are checked, both on
// the PDF thread as the app does, against the same loop idle, in one run. Also prints how long
// each drawing and check took.
//   npx tsx bench/pictures.ts
// Target: the 99th percentile delay while drawing, and while checking, at most 2x the idle one
// (each figure is the interval between ticks of a 10 ms timer, so idle is about 10-12 ms)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { makeStatement } from './support/review-fixture';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-pictures-'));
process.env.DATA_DIR = dataDir;
const { getBlobStore, newBlobKey } = await import('../src/lib/server/storage');
const { ensurePreviews } = await import('../src/lib/server/pdf/preview');
const { stopPdfThread } = await import('../src/lib/server/pdf/pdf-thread');
const { validatePdf } = await import('../src/lib/server/pdf/validate');

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

async function longPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) {
    doc.addPage([612, 792]).drawText(`Ledger detail, page ${i + 1}`, { x: 54, y: 720, size: 11 });
  }
  // One object per page, as most PDF writers do: a rebuild finds each by scanning.
  return doc.save({ useObjectStreams: false });
}
const long = await longPdf(3000);
// 20 MB of comment lines pushed in after the header: every offset in the cross-reference table
// is wrong, so pdf.js reads the whole file to rebuild the table (and then refuses it).
const padding = new TextEncoder().encode(`\n${'%'.repeat(99)}`.repeat(200_000));
const cut = new Uint8Array(long.length + padding.length);
cut.set(long.subarray(0, 16));
cut.set(padding, 16);
cut.set(long.subarray(16), 16 + padding.length);
const uploads = Array.from({ length: DOCUMENTS }, (_, i) => (i % 2 ? cut : long));

/** The event loop's delay while `work` runs, and how long it ran. */
async function whileRunning(work: () => Promise<number[]>) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const started = performance.now();
  const each = await work();
  const took = performance.now() - started;
  delay.disable();
  return { delay, took, each: each.map((t) => Math.round(t - started)) };
}
const line = (what: string, h: ReturnType<typeof monitorEventLoopDelay>) =>
  `event loop ${what.padEnd(9)} p50 ${ms(h.percentile(50)).toFixed(1)} ms, p99 ${ms(h.percentile(99)).toFixed(1)} ms, max ${ms(h.max).toFixed(1)} ms`;

try {
  // Warm-up: the picture thread's start (pdf.js and the canvas loading) is paid once.
  const warm = newBlobKey();
  await store.put(warm, await makeStatement(1, 'Warm-up'));
  if (!(await ensurePreviews(warm))) throw new Error('the warm-up picture was not drawn');

  const drawing = await whileRunning(() =>
    Promise.all(
      keys.map(async (key) => {
        if (!(await ensurePreviews(key))) throw new Error(`page 1 of ${key} was not drawn`);
        return performance.now();
      })
    )
  );
  const checking = await whileRunning(() =>
    Promise.all(
      uploads.map(async (bytes, i) => {
        const check = await validatePdf(bytes, `upload-${i}.pdf`, 50 * 1024 * 1024);
        // The broken ones are refused as damaged once pdf.js has scanned them.
        const right = bytes === long ? check.ok && check.pages === 3000 : !check.ok;
        if (!right) throw new Error(`upload ${i}: ${JSON.stringify(check)}`);
        return performance.now();
      })
    )
  );

  const idle = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.max(drawing.took, checking.took)));
  idle.disable();

  const idleP99 = ms(idle.percentile(99));
  const drawRatio = ms(drawing.delay.percentile(99)) / idleP99;
  const checkRatio = ms(checking.delay.percentile(99)) / idleP99;
  const per = (r: { took: number }) => Math.round(r.took / DOCUMENTS);
  console.log(
    `${DOCUMENTS} statements drawn in ${Math.round(drawing.took)} ms (${per(drawing)} ms each; done at ${drawing.each.join(', ')} ms)`
  );
  console.log(
    `${DOCUMENTS} uploads of 3,000 pages (half of them broken, 20 MB) checked in ${Math.round(checking.took)} ms (${per(checking)} ms each; done at ${checking.each.join(', ')} ms)`
  );
  console.log(line('drawing:', drawing.delay));
  console.log(line('checking:', checking.delay));
  console.log(line('idle:', idle));
  console.log(
    `summary: pictures: event loop p99 vs idle ${idleP99.toFixed(1)} ms: drawing ${DOCUMENTS} statements ${drawRatio.toFixed(2)}x, checking ${DOCUMENTS} long uploads ${checkRatio.toFixed(2)}x (target <= 2 each); ${per(drawing)} ms per drawing, ${per(checking)} ms per check`
  );
  process.exitCode = drawRatio <= 2 && checkRatio <= 2 ? 0 : 1;
} finally {
  await stopPdfThread();
  rmSync(dataDir, { recursive: true, force: true });
}
