// pdf.js on a worker thread: it checks each upload (opens it, counts its pages, measures page 1)
// and draws page 1 as WebP pictures with @napi-rs/canvas. A drawing costs a few hundred
// milliseconds of CPU, a check from a few to a hundred or more (a damaged file is scanned whole),
// which on the request thread would delay every other request while a firm uploads (pdf.js in
// Node has no worker of its own). Checks and drawings each have a thread, started by the first
// job of the kind, ended by a job that overruns its time or its memory (a PDF built to keep
// pdf.js busy, or to fill the memory, cannot hold it or take the process down with it), and
// ending itself after a minute with nothing to do.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

// A page much longer than it is wide (a till receipt) or the reverse would make a picture of
// tens of megapixels at 1200 px across: such documents wait for pdf.js instead.
const MAX_ASPECT = 4;
const IDLE_MS = 60_000;
/**
 * pdf.js leaves out (does not decode) an image of more pixels: an A4 or Letter page scanned at
 * 600 dpi is 34-35 megapixels.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;
/**
 * What a drawing may add to the process's memory before its thread is ended. pdf.js holds each
 * image of page 1 decoded (4 bytes a pixel) and paints it through a canvas of its size, so the
 * largest image it decodes takes 350-560 MB; a page of several such images is stopped here.
 */
export const DRAW_MEMORY_MB = 640;
// The JavaScript heap of each thread: pdf.js's parsed objects (a cross-reference of millions of
// entries, say), and for a drawing the page's operators. Decoded images and canvases are
// outside the heap: the two limits above.
const HEAP_MB: Record<'check' | 'draw', number> = { check: 128, draw: 256 };
const WATCH_MEMORY_MS = 50;

// The thread: plain JavaScript, evaluated as a script, so the built server needs no extra file
// (as pglite-thread.ts). It imports pdf.js and the canvas by their file URLs.
const WORKER = String.raw`
const { parentPort, workerData: d } = require('node:worker_threads');
const pdfjs = import(d.pdfjs);
let canvasLib;
// Each job awaits what it needs and reports why that failed (say, no canvas binary).
pdfjs.catch(() => {});
// Both jobs open a PDF the same way (no eval, no system fonts, quiet), each adding its own
// options, and always let pdf.js go of it afterwards.
async function open(bytes, options, use) {
  const { getDocument } = await pdfjs;
  const task = getDocument({
    data: bytes,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
    ...options
  });
  try {
    return await use(await task.promise);
  } finally {
    await task.destroy().catch(() => {});
  }
}
function check(bytes) {
  return open(bytes, { disableFontFace: true, stopAtErrors: true }, async (pdf) => {
    const pages = pdf.numPages;
    if (!pages || pages < 1) return { pages: 0 };
    // Touch page 1: a damaged page tree fails here rather than in the client's viewer.
    const { width, height } = (await pdf.getPage(1)).getViewport({ scale: 1 });
    return { pages, width, height };
  });
}
async function draw(bytes, widths) {
  const { createCanvas } = await (canvasLib ??= import(d.canvas));
  const widest = Math.max(...widths);
  const options = {
    cMapUrl: d.cMapUrl,
    standardFontDataUrl: d.standardFontDataUrl,
    wasmUrl: d.wasmUrl,
    cMapPacked: true,
    maxImageSize: d.maxImageSize,
    // The largest canvas drawn here: pdf.js decodes a JPEG 2000 image at a size that fits it
    // (and would scale any other image down to it where OffscreenCanvas exists; not in Node).
    canvasMaxAreaInBytes: widest * widest * d.maxAspect * 4
  };
  return open(bytes, options, async (pdf) => {
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
  });
}
parentPort.on('message', async ({ id, op, bytes, widths }) => {
  try {
    if (op === 'check') return parentPort.postMessage({ id, result: await check(bytes) });
    const pictures = await draw(bytes, widths);
    parentPort.postMessage({ id, result: pictures }, pictures.map((p) => p.buffer));
  } catch (e) {
    const error = e && e.message ? e.message : String(e);
    parentPort.postMessage({ id, error, name: (e && e.name) || 'Error' });
  }
});
`;

type Op = 'check' | 'draw';
type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };
type EndedBy = 'overrun' | 'memory' | 'stop';
interface Thread {
  op: Op;
  worker: Worker;
  pending: Map<number, Pending>;
  idle?: ReturnType<typeof setTimeout>;
  watch?: ReturnType<typeof setInterval>;
  /** Why it is being ended, when it is on purpose. */
  endedBy?: EndedBy;
}
// One thread for checks and one for drawings: an upload's check never waits behind a drawing,
// and a job that overruns ends only jobs of its own kind.
const threads: Record<Op, Thread | null> = { check: null, draw: null };
let nextId = 1;
const MB = 1024 * 1024;

/** The name of the error a job gets when another job overran and ended the thread under it. */
export const THREAD_ENDED = 'PdfThreadEnded';
/** ...when stopPdfThread() ended it (the app is stopping). */
export const THREAD_STOPPED = 'PdfThreadStopped';
/**
 * ...when its thread ran out of memory: its heap (HEAP_MB), or a drawing grew the process by
 * DRAW_MEMORY_MB. This job or another on the same thread asked for it.
 */
export const THREAD_OVER_MEMORY = 'PdfThreadOverMemory';
/** ...when the thread died by itself. */
export const THREAD_CRASHED = 'PdfThreadCrashed';
const ENDED_BY: Record<EndedBy, string> = {
  overrun: THREAD_ENDED,
  memory: THREAD_OVER_MEMORY,
  stop: THREAD_STOPPED
};

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
    maxAspect: MAX_ASPECT,
    maxImageSize: MAX_IMAGE_PIXELS
  };
}

function thread(op: Op): Thread {
  const existing = threads[op];
  if (existing) return existing;
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: workerData(),
    // Past it the thread ends (ERR_WORKER_OUT_OF_MEMORY), not the process.
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB[op] }
  });
  const t: Thread = { op, worker, pending: new Map() };
  worker.on('message', ({ id, result, error, name }) => {
    const p = t.pending.get(id);
    if (!p) return;
    t.pending.delete(id);
    settled(t);
    if (error) p.reject(Object.assign(new Error(error), { name }));
    else p.resolve(result);
  });
  const fail = (reason: Error & { code?: string }) => {
    forget(t);
    clearTimeout(t.idle);
    clearInterval(t.watch);
    const outOfHeap = reason.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const name = t.endedBy ? ENDED_BY[t.endedBy] : outOfHeap ? THREAD_OVER_MEMORY : THREAD_CRASHED;
    const message =
      t.endedBy === 'memory'
        ? `used more than ${DRAW_MEMORY_MB} MB`
        : outOfHeap
          ? `used more than ${HEAP_MB[t.op]} MB of heap`
          : reason.message;
    const error = Object.assign(new Error(message), { name });
    for (const p of t.pending.values()) p.reject(error);
    t.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the PDF thread stopped (exit code ${code})`)));
  threads[op] = t;
  return t;
}

/** From now on a job of its kind starts a new thread rather than reach this one as it ends. */
function forget(t: Thread) {
  if (threads[t.op] === t) threads[t.op] = null;
}

/** Ends the thread on purpose; its jobs fail with the error named for `why`. */
function end(t: Thread, why: EndedBy): Promise<number> {
  forget(t);
  clearInterval(t.watch);
  t.endedBy ??= why;
  return t.worker.terminate();
}

/** With nothing left to do, the thread no longer keeps the process alive, and soon ends. */
function settled(t: Thread) {
  if (t.pending.size > 0) return;
  clearInterval(t.watch);
  t.watch = undefined;
  t.worker.unref();
  t.idle = setTimeout(() => {
    forget(t);
    void t.worker.terminate();
  }, IDLE_MS);
  t.idle.unref();
}

/**
 * While the drawing thread has work, ends it once the process has grown by DRAW_MEMORY_MB since
 * that work began. Decoded images and native canvases are not on the thread's heap, so its heap
 * limit cannot stop them, and a thread's own memory cannot be read from here: the process's is.
 */
function watchMemory(t: Thread) {
  if (t.watch) return;
  const limit = process.memoryUsage.rss() + DRAW_MEMORY_MB * MB;
  t.watch = setInterval(() => {
    if (process.memoryUsage.rss() > limit) void end(t, 'memory');
  }, WATCH_MEMORY_MS);
  t.watch.unref();
}

/**
 * Runs one job on its kind's thread. Rejects with the thread's error (its message and name), or
 * after `timeoutMs` as `${what} within N s` (name TimeoutError), when the thread is ended (any
 * other job on it gets THREAD_ENDED) and the next job starts a new one. `transfer` hands
 * `bytes` to the thread instead of copying them.
 */
function run<T>(
  message: { op: Op; bytes: Uint8Array; widths?: number[] },
  timeoutMs: number,
  what: string,
  transfer: boolean
): Promise<T> {
  if (!(timeoutMs > 0)) return Promise.reject(new Error(`${what}: no time left`));
  const t = thread(message.op);
  clearTimeout(t.idle);
  t.worker.ref();
  if (t.op === 'draw') watchMemory(t);
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      t.pending.delete(id);
      reject(
        Object.assign(new Error(`${what} within ${timeoutMs / 1000} s`), { name: 'TimeoutError' })
      );
      void end(t, 'overrun');
    }, timeoutMs);
    t.pending.set(id, {
      resolve: (result) => {
        clearTimeout(timer);
        resolve(result as T);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      }
    });
    const { bytes } = message;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    try {
      t.worker.postMessage(
        { id, ...message },
        transfer && whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []
      );
    } catch (error) {
      t.pending.get(id)?.reject(error as Error);
      t.pending.delete(id);
      settled(t);
    }
  });
}

/**
 * Page 1 of `bytes` drawn at each of `widths` (pixels across), WebP-encoded, in that order.
 * Rejects when the PDF cannot be drawn (the message says why), or after `timeoutMs`.
 * `transfer` hands `bytes` to the thread instead of copying them (the caller's copy is emptied).
 */
export function drawPage1(
  bytes: Uint8Array,
  widths: readonly number[],
  timeoutMs: number,
  { transfer = false } = {}
): Promise<Uint8Array[]> {
  return run({ op: 'draw', bytes, widths: [...widths] }, timeoutMs, 'not drawn', transfer);
}

/** What pdf.js makes of a PDF: its pages, and page 1's size in points as shown (rotated). */
export type PdfFacts = { pages: 0 } | { pages: number; width: number; height: number };

/**
 * Opens `bytes` with pdf.js, counts its pages and measures page 1. Rejects with pdf.js's error
 * (`name` PasswordException, InvalidPDFException, ...), or after `timeoutMs`. The caller keeps
 * its bytes (they are copied).
 */
export function readPdfFacts(bytes: Uint8Array, timeoutMs: number): Promise<PdfFacts> {
  return run({ op: 'check', bytes }, timeoutMs, 'not opened', false);
}

/** Ends both threads now (shutdown, tests); their jobs get THREAD_STOPPED; a later job starts anew. */
export async function stopPdfThread(): Promise<void> {
  const ending = Object.values(threads).filter((t): t is Thread => t !== null);
  await Promise.all(ending.map((t) => end(t, 'stop')));
}
