// Page 1 of every document as a picture (WebP at a few widths), drawn once on the server by
// pdf.js onto @napi-rs/canvas and kept in the blob store next to the PDF. The viewer shows it
// the moment the page's HTML arrives, sharp at the phone's pixel ratio, while pdf.js loads;
// pdf.js then draws the same page over it (with its text layer). A document without a picture
// (it could not be drawn, or the store lost it) simply waits for pdf.js, as before.
import { PREVIEW_WIDTHS } from '../../components/viewer/page-fit';
import { getBlobStore } from '../storage';
import { drawPage1 } from './pdf-thread';

export { PREVIEW_WIDTHS };
/** Widths in device pixels: a phone at 1x, 2x and 3x (desktop browsers take the widest). */
export type PreviewWidth = (typeof PREVIEW_WIDTHS)[number];

export function isPreviewWidth(value: number): value is PreviewWidth {
  return (PREVIEW_WIDTHS as readonly number[]).includes(value);
}

export const previewKey = (blobKey: string, width: PreviewWidth) =>
  `${blobKey}.page-1.${width}.webp`;

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
// Documents that could not be drawn, and when: not tried again within the hour, so a PDF that
// defeats the drawing does not cost a full read and a render on every view. Per process.
const failedAt = new Map<string, number>();
const RETRY_FAILED_MS = 60 * 60_000;

/**
 * Makes sure the pictures of a document's page 1 are in the store (the one of `width`, or all),
 * drawing them from the PDF when they are not. True when they are there now. Safe to call from
 * several requests and several instances at once: the pictures come out the same and a put
 * replaces whole. `queue: false` (a viewer waiting) gives up at once when the queue is long.
 */
export function ensurePreviews(
  blobKey: string,
  options: { width?: PreviewWidth; queue?: boolean } = {}
): Promise<boolean> {
  const running = inFlight.get(blobKey);
  if (running) return running;
  const failed = failedAt.get(blobKey);
  if (failed !== undefined && Date.now() - failed < RETRY_FAILED_MS) return Promise.resolve(false);
  if (options.queue === false && waiting >= PREVIEW_QUEUE_LIMIT) return Promise.resolve(false);
  const width = options.width ?? PREVIEW_WIDTHS.at(-1)!;
  waiting++;
  const job = queue
    .then(() => {
      waiting--;
      // The thread's own timeout (by the deadline) ends a drawing that overruns, before this
      // one lets the queue move on to the next document; this one bounds the store's reads
      // and writes.
      const deadline = Date.now() + DRAW_TIMEOUT_MS;
      return withTimeout(draw(blobKey, width, deadline), DRAW_TIMEOUT_MS + 1000);
    })
    .then(() => {
      failedAt.delete(blobKey);
      return true;
    })
    .catch((error: unknown) => {
      failedAt.set(blobKey, Date.now());
      if (failedAt.size > 10_000) failedAt.delete(failedAt.keys().next().value!);
      console.warn(`[preview] page 1 of ${blobKey} could not be drawn:`, (error as Error)?.message);
      return false;
    })
    .finally(() => inFlight.delete(blobKey));
  queue = job;
  inFlight.set(blobKey, job);
  return job;
}

async function draw(blobKey: string, width: PreviewWidth, deadline: number): Promise<void> {
  const store = getBlobStore();
  if (await store.exists(previewKey(blobKey, width))) return;
  const bytes = new Uint8Array(await new Response(await store.get(blobKey)).arrayBuffer());
  const pictures = await drawPage1(bytes, PREVIEW_WIDTHS, deadline - Date.now(), {
    transfer: true
  });
  for (const [i, w] of PREVIEW_WIDTHS.entries())
    await store.put(previewKey(blobKey, w), pictures[i]);
  // The document was removed while it was being drawn: its pictures go too.
  if (!(await store.exists(blobKey))) await deletePreviews(blobKey);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not drawn within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Removes a document's pictures (with the document's own blob). */
export async function deletePreviews(blobKey: string): Promise<void> {
  const store = getBlobStore();
  await Promise.all(
    PREVIEW_WIDTHS.map((width) => store.delete(previewKey(blobKey, width)).catch(() => {}))
  );
}
