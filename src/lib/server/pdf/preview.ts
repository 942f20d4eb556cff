// Page 1 of every document as a picture (WebP at a few widths), drawn once on the server by
// pdf.js onto @napi-rs/canvas and kept in the blob store next to the PDF. The viewer shows it
// the moment the page's HTML arrives, sharp at the phone's pixel ratio, while pdf.js loads;
// pdf.js then draws the same page over it (with its text layer). A document without a picture
// (it could not be drawn, or the store lost it) simply waits for pdf.js, as before.
import { PREVIEW_WIDTHS } from '../../components/viewer/page-fit';
import { getBlobStore } from '../storage';
import { drawPage1, THREAD_ENDED, THREAD_STOPPED } from './pdf-thread';

export { PREVIEW_WIDTHS };
/** Widths in device pixels: a phone at 1x, 2x and 3x (desktop browsers take the widest). */
export type PreviewWidth = (typeof PREVIEW_WIDTHS)[number];

export function isPreviewWidth(value: number): value is PreviewWidth {
  return (PREVIEW_WIDTHS as readonly number[]).includes(value);
}

export const previewKey = (blobKey: string, width: PreviewWidth) =>
  `${blobKey}.page-1.${width}.webp`;
/**
 * Beside a document whose page 1 could not be drawn (why and when, as text): no instance, and
 * no restart, tries it again. Deleted with the pictures.
 */
export const notDrawnKey = (blobKey: string) => `${blobKey}.page-1.not-drawn`;

// Pictures are drawn on a worker thread (pdf-thread.ts): a page costs pdf.js and the
// canvas a few hundred milliseconds of CPU, which on the request thread would hold up every
// other request while a firm uploads. One document at a time, so a bulk upload of fifty
// statements queues behind itself; a viewer asking for a picture while more than a few are
// waiting gets none (it waits for pdf.js) rather than joining the queue.
let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;
const inFlight = new Map<string, Promise<boolean>>();
const PREVIEW_QUEUE_LIMIT = 8;
/** A drawing that has not finished by then counts as failed: its thread is ended. */
const DRAW_TIMEOUT_MS = 30_000;

/**
 * Makes sure the pictures of a document's page 1 are in the store (the one of `width`, or all),
 * drawing them from the PDF when they are not. True when they are there now; false when they
 * could not be drawn, now or before (the store keeps that). Safe to call from several requests
 * and several instances at once: the pictures come out the same and a put replaces whole.
 * `queue: false` (a viewer waiting) gives up at once when the queue is long; `retry` tries a
 * document again that could not be drawn before.
 */
export function ensurePreviews(blobKey: string, options: PreviewOptions = {}): Promise<boolean> {
  const running = inFlight.get(blobKey);
  if (running) return running;
  const job = previews(blobKey, options)
    .catch((error: unknown) => {
      console.warn(`[preview] page 1 of ${blobKey} was not drawn:`, (error as Error)?.message);
      return false;
    })
    .finally(() => inFlight.delete(blobKey));
  inFlight.set(blobKey, job);
  return job;
}

type PreviewOptions = { width?: PreviewWidth; queue?: boolean; retry?: boolean };

async function previews(blobKey: string, options: PreviewOptions): Promise<boolean> {
  const { width = PREVIEW_WIDTHS.at(-1)!, queue: mayQueue = true, retry = false } = options;
  const store = getBlobStore();
  if (await store.exists(previewKey(blobKey, width))) return true;
  if (retry) await store.delete(notDrawnKey(blobKey));
  else if (await store.exists(notDrawnKey(blobKey))) return false;
  if (!mayQueue && waiting >= PREVIEW_QUEUE_LIMIT) return false;
  waiting++;
  const turn = queue.then(() => {
    waiting--;
    // The thread's own timeout (by the deadline) ends a drawing that overruns, before this
    // one lets the queue move on to the next document; this one bounds the store's reads
    // and writes.
    const deadline = Date.now() + DRAW_TIMEOUT_MS;
    return withTimeout(draw(blobKey, deadline), DRAW_TIMEOUT_MS + 1000);
  });
  queue = turn.catch(() => {});
  return turn;
}

/** Draws and stores the pictures; false, with the mark stored, when the PDF cannot be drawn. */
async function draw(blobKey: string, deadline: number): Promise<boolean> {
  const store = getBlobStore();
  const bytes = new Uint8Array(await new Response(await store.get(blobKey)).arrayBuffer());
  const timeoutMs = deadline - Date.now();
  if (timeoutMs <= 0) throw new Error('no time left to draw it after reading it');
  let pictures: Uint8Array[] | null = null;
  try {
    pictures = await drawPage1(bytes, PREVIEW_WIDTHS, timeoutMs, { transfer: true });
  } catch (error) {
    const { name, message } = error as Error;
    // The app is stopping, or another drawing ended the thread: not this PDF's doing.
    if (name === THREAD_STOPPED || name === THREAD_ENDED) throw error;
    console.warn(`[preview] page 1 of ${blobKey} could not be drawn: ${message}`);
    const mark = `${new Date().toISOString()} ${message}\n`;
    await store.put(notDrawnKey(blobKey), new TextEncoder().encode(mark));
  }
  if (pictures) {
    for (const [i, w] of PREVIEW_WIDTHS.entries()) {
      await store.put(previewKey(blobKey, w), pictures[i]);
    }
  }
  // The document was removed while it was being drawn: its pictures (or mark) go too.
  if (!(await store.exists(blobKey))) await deletePreviews(blobKey);
  return pictures !== null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not drawn within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Removes a document's pictures, and its mark if it could not be drawn (with its own blob). */
export async function deletePreviews(blobKey: string): Promise<void> {
  const store = getBlobStore();
  const keys = [...PREVIEW_WIDTHS.map((width) => previewKey(blobKey, width)), notDrawnKey(blobKey)];
  await Promise.all(keys.map((key) => store.delete(key).catch(() => {})));
}
