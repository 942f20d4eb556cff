// Chooses and lazily loads a pdf.js build. The modern build relies on very new JavaScript
// (Promise.withResolvers/try, Map#getOrInsertComputed, Uint8Array base64/hex), and pdf.js supports
// Safari only through its legacy build (Safari 16.4+), so the modern build is used only on
// Chromium with every one of those features; everything else gets the legacy build, and
// browsers older than the legacy build's floor are told to download the PDF instead.
// Both builds are emitted as plain assets and imported by URL, so the page's boot script
// (pdf-boot.js) can load one before any of the app's JavaScript runs, and none of pdf.js ends up
// in the app's chunks.
import modernLib from 'pdfjs-dist/build/pdf.min.mjs?url';
import modernWorker from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import legacyLib from 'pdfjs-dist/legacy/build/pdf.min.mjs?url';
import legacyWorker from 'pdfjs-dist/legacy/build/pdf.worker.min.mjs?url';

export const PDFJS_ASSETS = {
  modern: { lib: modernLib, worker: modernWorker },
  legacy: { lib: legacyLib, worker: legacyWorker }
} as const;

export type PdfBuild = 'modern' | 'legacy' | 'unsupported';
export type PdfLib = typeof import('pdfjs-dist');
type PDFDocumentLoadingTask = import('pdfjs-dist').PDFDocumentLoadingTask;

type Probe = {
  Promise?: unknown;
  Map?: unknown;
  Uint8Array?: unknown;
  OffscreenCanvas?: unknown;
  structuredClone?: unknown;
  Worker?: unknown;
  navigator?: { userAgentData?: unknown; userAgent?: string };
};

export function chooseBuild(g: Probe = globalThis as unknown as Probe): PdfBuild {
  const P = g.Promise as { withResolvers?: unknown; try?: unknown } | undefined;
  const M = g.Map as { prototype?: { getOrInsertComputed?: unknown } } | undefined;
  const U = g.Uint8Array as { fromBase64?: unknown; prototype?: { toHex?: unknown } } | undefined;
  const legacyOk =
    typeof g.Worker === 'function' &&
    typeof g.OffscreenCanvas === 'function' && // Safari 16.4, the legacy build's floor
    typeof g.structuredClone === 'function';
  if (!legacyOk) return 'unsupported';
  const chromium = !!g.navigator && 'userAgentData' in g.navigator;
  const modernOk =
    chromium &&
    typeof P?.withResolvers === 'function' &&
    typeof P?.try === 'function' &&
    typeof M?.prototype?.getOrInsertComputed === 'function' &&
    typeof U?.fromBase64 === 'function' &&
    typeof U?.prototype?.toHex === 'function';
  return modernOk ? 'modern' : 'legacy';
}

/** What pdf-boot.js started before hydration, if it ran and matched this browser. */
export interface PdfBoot {
  build: PdfBuild;
  src: string;
  lib: Promise<PdfLib>;
  worker: Promise<InstanceType<PdfLib['PDFWorker']>>;
  first: Promise<Uint8Array>;
  tail: Promise<{ begin: number; bytes: Uint8Array } | null>;
  /** The document's loading task, opened over the early ranges. */
  task: Promise<PDFDocumentLoadingTask>;
  /** Settles once pdf.js is on its way: until the reader's first gesture, or a few idle seconds
   * after load, page 1's picture stands in for it (see pdf-boot.js). */
  started: Promise<void>;
  /** Starts pdf.js now, if it is still waiting. */
  start: () => void;
  /** Hears about byte ranges that fail later on (set by the viewer). */
  onerror: ((error: unknown, again: () => void) => void) | null;
  /** Set by the viewer as it hydrates: the page frames are the viewer's from then on. */
  claimed: boolean;
  /** Page 1's size at scale 1 and the scroller width it was fitted to, once it is painted. */
  painted: { width: number; height: number; scroller: number } | null;
  /** Settles once the boot script has painted page 1 (true) or left it to the viewer (false). */
  page1: Promise<boolean>;
}

/**
 * What pdf-boot.js started, if it ran. It runs the build the server hinted
 * whenever this browser can run that build, which may be the legacy one where the modern one
 * would also do (an emulated or unusual user agent): one download rather than two.
 */
export function takeBoot(): PdfBoot | null {
  return (globalThis as { __sheafPdfBoot?: PdfBoot }).__sheafPdfBoot ?? null;
}

/** The page's pdf-boot.js <script>, when the server rendered one. */
export function bootScript(): HTMLScriptElement | null {
  return typeof document === 'undefined'
    ? null
    : document.querySelector<HTMLScriptElement>('script[data-sheaf-pdf]');
}

/**
 * Waits for pdf-boot.js to have run (importing its own URL shares the browser's one module
 * instance, so this never starts it twice) and returns what it started for this build.
 */
export async function loadBoot(): Promise<PdfBoot | null> {
  const el = bootScript();
  if (!el?.src) return null;
  await import(/* @vite-ignore */ el.src).catch(() => {});
  return takeBoot();
}

let loading: Promise<PdfLib> | null = null;
let worker: InstanceType<PdfLib['PDFWorker']> | null = null;

/** Imports the chosen pdf.js build once and points it at its worker. */
export function loadPdfjs(build: Exclude<PdfBuild, 'unsupported'>): Promise<PdfLib> {
  const own = async () => {
    const assets = PDFJS_ASSETS[build];
    const lib = (await import(/* @vite-ignore */ assets.lib)) as PdfLib;
    lib.GlobalWorkerOptions.workerSrc = assets.worker;
    return lib;
  };
  const boot = takeBoot();
  // What the boot script imported, unless that failed (then "Try again" imports it afresh).
  loading ??= (boot ? boot.lib.catch(own) : own()).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** One pdf.js worker for the page's lifetime, started as soon as the library is in. */
export async function getPdfWorker(lib: PdfLib) {
  const boot = takeBoot();
  if (boot && !worker) worker = await boot.worker.catch(() => null);
  worker ??= new lib.PDFWorker();
  return worker;
}

/** Starts fetching pdf.js and its worker early (called when the viewer's module loads). */
export function warmPdfjs(): void {
  const build = chooseBuild();
  // With a boot script in the page, it starts all of this itself (and sooner).
  if (build === 'unsupported' || bootScript()) return;
  loadPdfjs(build)
    .then(getPdfWorker)
    .catch(() => {
      // open() reports failures; warming up is best effort.
    });
}
