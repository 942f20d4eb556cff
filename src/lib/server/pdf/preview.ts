// Page 1 of every document as a picture (WebP at a few widths), drawn once on the server by
// pdf.js onto @napi-rs/canvas and kept in the blob store next to the PDF. The viewer shows it
// the moment the page's HTML arrives, sharp at the phone's pixel ratio, while pdf.js loads;
// pdf.js then draws the same page over it (with its text layer). A document without a picture
// (it could not be drawn, or the store lost it) simply waits for pdf.js, as before.
import { createRequire } from 'node:module';
import path from 'node:path';
import { PREVIEW_WIDTHS } from '../../components/viewer/page-fit';
import { getBlobStore } from '../storage';

export { PREVIEW_WIDTHS };
/** Widths in device pixels: a phone at 1x, 2x and 3x (desktop browsers take the widest). */
export type PreviewWidth = (typeof PREVIEW_WIDTHS)[number];

export function isPreviewWidth(value: number): value is PreviewWidth {
  return (PREVIEW_WIDTHS as readonly number[]).includes(value);
}

export const previewKey = (blobKey: string, width: PreviewWidth) =>
  `${blobKey}.page-1.${width}.webp`;

// Every picture is drawn on the main thread: one document at a time, so a bulk upload of fifty
// statements queues behind itself instead of stalling every other request at once.
let queue: Promise<unknown> = Promise.resolve();
const inFlight = new Map<string, Promise<boolean>>();

function assetDirs() {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => path.join(root, name) + path.sep;
  return {
    cMapUrl: dir('cmaps'),
    standardFontDataUrl: dir('standard_fonts'),
    wasmUrl: dir('wasm')
  };
}
let assets: ReturnType<typeof assetDirs> | undefined;

/** Page 1 drawn at each width, WebP-encoded. Throws when the PDF or the canvas fails. */
export async function renderPage1(bytes: Uint8Array): Promise<Map<PreviewWidth, Uint8Array>> {
  const [{ getDocument }, { createCanvas }] = await Promise.all([
    import('pdfjs-dist/legacy/build/pdf.mjs'),
    import('@napi-rs/canvas')
  ]);
  assets ??= assetDirs();
  const task = getDocument({
    data: new Uint8Array(bytes),
    ...assets,
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0
  });
  try {
    const pdf = await task.promise;
    const page = await pdf.getPage(1);
    const base = page.getViewport({ scale: 1 });
    const out = new Map<PreviewWidth, Uint8Array>();
    for (const width of PREVIEW_WIDTHS) {
      const viewport = page.getViewport({ scale: width / base.width });
      const canvas = createCanvas(Math.round(viewport.width), Math.round(viewport.height));
      const context = canvas.getContext('2d');
      // A PDF page is white paper unless it paints otherwise.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({
        canvas: canvas as unknown as HTMLCanvasElement,
        canvasContext: context as unknown as CanvasRenderingContext2D,
        viewport,
        background: '#fff'
      }).promise;
      // Text stays crisp at this quality; a page of figures is 20-60 KB at 1200 px.
      out.set(width, new Uint8Array(await canvas.encode('webp', 85)));
    }
    page.cleanup();
    return out;
  } finally {
    await task.destroy().catch(() => {});
  }
}

/**
 * Makes sure the pictures of a document's page 1 are in the store, drawing them from the PDF
 * when they are not. True when they are there now. Safe to call from several requests and
 * several instances at once: the pictures come out the same and a put replaces whole.
 */
export function ensurePreviews(blobKey: string): Promise<boolean> {
  const running = inFlight.get(blobKey);
  if (running) return running;
  const job = queue
    .then(async () => {
      const store = getBlobStore();
      if (await store.exists(previewKey(blobKey, PREVIEW_WIDTHS.at(-1)!))) return true;
      const bytes = new Uint8Array(await new Response(await store.get(blobKey)).arrayBuffer());
      const pictures = await renderPage1(bytes);
      // The widest goes in last: its presence says the set is complete.
      for (const width of PREVIEW_WIDTHS) {
        await store.put(previewKey(blobKey, width), pictures.get(width)!);
      }
      return true;
    })
    .catch((error: unknown) => {
      console.warn(`[preview] page 1 of ${blobKey} could not be drawn:`, (error as Error)?.message);
      return false;
    })
    .finally(() => inFlight.delete(blobKey));
  queue = job;
  inFlight.set(blobKey, job);
  return job;
}

/** Removes a document's pictures (with the document's own blob). */
export async function deletePreviews(blobKey: string): Promise<void> {
  const store = getBlobStore();
  await Promise.all(
    PREVIEW_WIDTHS.map((width) => store.delete(previewKey(blobKey, width)).catch(() => {}))
  );
}
