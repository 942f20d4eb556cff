// Page 1 of a PDF drawn as WebP pictures on a worker thread: pdf.js on @napi-rs/canvas costs a
// few hundred milliseconds of CPU per document, which on the request thread would delay every
// other request while a firm uploads (pdf.js in Node has no worker of its own). The thread
// starts with the first drawing, is ended by a drawing that overruns its time (a PDF built to
// keep pdf.js busy cannot hold it), and ends itself after a minute with nothing to draw.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

// A page much longer than it is wide (a till receipt) or the reverse would make a picture of
// tens of megapixels at 1200 px across: such documents wait for pdf.js instead.
const MAX_ASPECT = 4;
const IDLE_MS = 60_000;

// The thread: plain JavaScript, evaluated as a script, so the built server needs no extra file
// (as pglite-thread.ts). It imports pdf.js and the canvas by their file URLs.
const WORKER = String.raw`
const { parentPort, workerData: d } = require('node:worker_threads');
const libs = Promise.all([import(d.pdfjs), import(d.canvas)]);
libs.catch(() => {}); // each drawing awaits it and reports why it failed (say, no canvas binary)
async function draw(bytes, widths) {
  const [{ getDocument }, { createCanvas }] = await libs;
  const task = getDocument({
    data: bytes,
    cMapUrl: d.cMapUrl,
    standardFontDataUrl: d.standardFontDataUrl,
    wasmUrl: d.wasmUrl,
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0
  });
  try {
    const pdf = await task.promise;
    const page = await pdf.getPage(1);
    const base = page.getViewport({ scale: 1 });
    const aspect = base.height / base.width;
    if (!(aspect <= d.maxAspect && aspect >= 1 / d.maxAspect)) {
      throw new Error('page 1 is ' + Math.round(base.width) + '×' + Math.round(base.height) + ' pt');
    }
    const out = [];
    for (const width of widths) {
      const viewport = page.getViewport({ scale: width / base.width });
      const canvas = createCanvas(Math.round(viewport.width), Math.round(viewport.height));
      const context = canvas.getContext('2d');
      // A PDF page is white paper unless it paints otherwise.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvas, canvasContext: context, viewport, background: '#fff' }).promise;
      // Text stays crisp at this quality; a page of figures is 20-60 KB at 1200 px.
      out.push(new Uint8Array(await canvas.encode('webp', 85)));
    }
    page.cleanup();
    return out;
  } finally {
    await task.destroy().catch(() => {});
  }
}
parentPort.on('message', async ({ id, bytes, widths }) => {
  try {
    const pictures = await draw(bytes, widths);
    parentPort.postMessage({ id, pictures }, pictures.map((p) => p.buffer));
  } catch (e) {
    parentPort.postMessage({ id, error: e && e.message ? e.message : String(e) });
  }
});
`;

type Pending = { resolve: (pictures: Uint8Array[]) => void; reject: (error: Error) => void };
interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  idle?: ReturnType<typeof setTimeout>;
}
let current: Thread | null = null;
let nextId = 1;

function workerData() {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => path.join(root, name) + path.sep;
  return {
    pdfjs: pathToFileURL(path.join(root, 'legacy', 'build', 'pdf.mjs')).href,
    canvas: pathToFileURL(require.resolve('@napi-rs/canvas')).href,
    cMapUrl: dir('cmaps'),
    standardFontDataUrl: dir('standard_fonts'),
    wasmUrl: dir('wasm'),
    maxAspect: MAX_ASPECT
  };
}

function thread(): Thread {
  if (current) return current;
  const worker = new Worker(WORKER, { eval: true, workerData: workerData() });
  const t: Thread = { worker, pending: new Map() };
  worker.on('message', ({ id, pictures, error }) => {
    const p = t.pending.get(id);
    if (!p) return;
    t.pending.delete(id);
    settled(t);
    if (error) p.reject(new Error(error));
    else p.resolve(pictures);
  });
  const fail = (error: Error) => {
    if (current === t) current = null;
    clearTimeout(t.idle);
    for (const p of t.pending.values()) p.reject(error);
    t.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the drawing thread stopped (exit code ${code})`)));
  current = t;
  return t;
}

/** With nothing left to draw, the thread no longer keeps the process alive, and soon ends. */
function settled(t: Thread) {
  if (t.pending.size > 0) return;
  t.worker.unref();
  t.idle = setTimeout(() => {
    // A drawing asked for from now on starts a new thread rather than reach this one as it ends.
    if (current === t) current = null;
    void t.worker.terminate();
  }, IDLE_MS);
  t.idle.unref();
}

/**
 * Page 1 of `bytes` drawn at each of `widths` (pixels across), WebP-encoded, in that order.
 * Rejects when the PDF cannot be drawn (the message says why), or after `timeoutMs`, when the
 * thread is ended (with any other drawing on it) and the next drawing starts a new one.
 * `transfer` hands `bytes` to the thread instead of copying them (the caller's copy is emptied).
 */
export function drawPage1(
  bytes: Uint8Array,
  widths: readonly number[],
  timeoutMs: number,
  { transfer = false } = {}
): Promise<Uint8Array[]> {
  if (!(timeoutMs > 0)) return Promise.reject(new Error('not drawn: no time left'));
  const t = thread();
  clearTimeout(t.idle);
  t.worker.ref();
  const id = nextId++;
  return new Promise<Uint8Array[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (current === t) current = null;
      t.pending.delete(id);
      reject(new Error(`not drawn within ${timeoutMs / 1000} s`));
      void t.worker.terminate();
    }, timeoutMs);
    t.pending.set(id, {
      resolve: (pictures) => {
        clearTimeout(timer);
        resolve(pictures);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      }
    });
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    t.worker.postMessage(
      { id, bytes, widths: [...widths] },
      transfer && whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []
    );
  });
}

/** Ends the drawing thread now (shutdown, tests); a later drawing starts a new one. */
export async function stopPictureThread(): Promise<void> {
  const t = current;
  current = null;
  if (t) await t.worker.terminate();
}
