// The PDF the viewer opens: pdf.js and the file, from the page's boot script when it began them
// (pdf-boot.js), else here over Range requests (pdf-source.ts); then its page count and size.
// Its status is what the viewer shows. A part of the file that does not arrive once the pages are
// on screen is asked for again on reconnect (range-retry.ts), the pages staying meanwhile.
import { tick } from 'svelte';
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist';
import {
  bootScript,
  chooseBuild,
  getPdfWorker,
  loadBoot,
  loadPdfjs,
  takeBoot,
  type PdfBoot,
  type PdfLib
} from './pdf-loader';
import {
  CHUNK,
  createRangeTransport,
  prefetchPdf,
  type EarlyPdf,
  type RangeFailed
} from './pdf-source';
import type { PageLayout, PageSize } from './page-layout.svelte';
import { RangeRetry } from './range-retry';

export type ViewerStatus = 'loading' | 'ready' | 'error' | 'unsupported';

/** No page on screen after this long: the viewer says the connection seems slow. */
export const SLOW_MS = 5000;

export interface ViewerDeps {
  /** In the browser (not rendering on the server). */
  browser: boolean;
  chooseBuild: typeof chooseBuild;
  bootScript: typeof bootScript;
  takeBoot: typeof takeBoot;
  loadBoot: typeof loadBoot;
  loadPdfjs: typeof loadPdfjs;
  getPdfWorker: typeof getPdfWorker;
  prefetchPdf: typeof prefetchPdf;
  createRangeTransport: typeof createRangeTransport;
  /** The URL's fragment: #page=N opens at that page. */
  hash: () => string;
  mark: (name: string) => void;
  marked: (name: string) => boolean;
  retry: (onchange: (waiting: boolean) => void) => RangeRetry;
}

export const browserViewerDeps = (browser: boolean): ViewerDeps => ({
  browser,
  chooseBuild,
  bootScript,
  takeBoot,
  loadBoot,
  loadPdfjs,
  getPdfWorker,
  prefetchPdf,
  createRangeTransport,
  hash: () => location.hash,
  mark: (name) => void performance.mark(name),
  marked: (name) => performance.getEntriesByName(name).length > 0,
  retry: (onchange) => new RangeRetry(onchange)
});

/**
 * pdf-boot.js may have painted page 1 into the server-rendered frame already: the viewer starts
 * from the size it drew, so hydration keeps that frame (and its canvas) exactly as it is. Only
 * the boot of this very document counts: after a client-side navigation it is another's.
 */
export function claimBoot(src: string, deps: Pick<ViewerDeps, 'browser' | 'takeBoot'>) {
  const boot = deps.browser ? deps.takeBoot() : null;
  const own = boot?.src === src ? boot : null;
  if (own) own.claimed = true;
  return own?.painted ?? null;
}

export class ViewerDocument {
  status: ViewerStatus = $state('loading');
  /** Loading takes long: the viewer offers the download. */
  slow = $state(false);
  /** Parts of the PDF did not come after it opened (offline): asked for again on reconnect. */
  waiting = $state(false);
  lib: PdfLib | null = $state.raw(null);
  pdf: PDFDocumentProxy | null = $state.raw(null);
  /** Pages, once the PDF is open (0 before). */
  total = $state(0);
  firstPainted = $state(false);

  #src: string;
  #bytes: number;
  #layout: PageLayout;
  #jump: (page: number) => Promise<void>;
  #deps: ViewerDeps;
  #ranges: RangeRetry;
  #task: PDFDocumentLoadingTask | null = null;
  #early: EarlyPdf | null;
  // After a failure, retry starts from scratch rather than from what the boot script began.
  #useBoot = true;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  /** `jump` scrolls to a page once the PDF is open (for #page=N). */
  constructor(
    source: { src: string; bytes: number },
    layout: PageLayout,
    jump: (page: number) => Promise<void>,
    deps: ViewerDeps
  ) {
    this.#src = source.src;
    this.#bytes = source.bytes;
    this.#layout = layout;
    this.#jump = jump;
    this.#deps = deps;
    this.#ranges = deps.retry((waiting) => (this.waiting = waiting));
    // Begin fetching the PDF while the page hydrates (see pdf-source.ts), unless the page's boot
    // script (pdf-boot.js) does that, and opens the document, already.
    this.#early =
      deps.browser && deps.chooseBuild() !== 'unsupported' && source.bytes > 0 && !deps.bootScript()
        ? deps.prefetchPdf(source.src, source.bytes)
        : null;
  }

  async open(): Promise<void> {
    const deps = this.#deps;
    this.status = 'loading';
    this.slow = false;
    this.firstPainted = false;
    clearTimeout(this.#slowTimer);
    const build = deps.chooseBuild();
    if (build === 'unsupported') {
      this.status = 'unsupported';
      return;
    }
    try {
      deps.mark('sheaf:viewer-open');
      const loadingFailed: RangeFailed = (error, again) => {
        console.warn('a part of the PDF did not arrive', error);
        // Open, its pages on screen: they stay, and the part is asked for again.
        if (this.status === 'ready') this.#ranges.failed(again);
        else this.status = 'error';
      };
      const boot = this.#useBoot ? await deps.loadBoot() : null;
      const own: PdfBoot | null = boot && boot.src === this.#src ? boot : null;
      // Page 1's picture may stand in for pdf.js until the reader does something: "slow" counts
      // from when pdf.js actually starts. The reader may have left by then.
      await own?.started;
      if (this.#destroyed) return;
      this.#slowTimer = setTimeout(() => (this.slow = !this.firstPainted), SLOW_MS);
      let task: PDFDocumentLoadingTask;
      if (own) {
        own.claimed = true;
        own.onerror = loadingFailed;
        this.lib = await own.lib;
        task = this.#task = await own.task;
      } else {
        const lib = (this.lib = await deps.loadPdfjs(build));
        this.#early ??= deps.prefetchPdf(this.#src, this.#bytes);
        // Range requests, no auto-fetch: page 1 paints from the first chunks of a large file.
        task = this.#task = lib.getDocument({
          range: await deps.createRangeTransport(lib, this.#early, loadingFailed),
          worker: await deps.getPdfWorker(lib),
          rangeChunkSize: CHUNK,
          disableAutoFetch: true,
          disableStream: true,
          isEvalSupported: false,
          enableXfa: false
        });
      }
      deps.mark('sheaf:pdfjs-loaded');
      if (this.#destroyed) {
        void task.destroy();
        return;
      }
      const doc = await task.promise;
      deps.mark('sheaf:pdf-opened');
      const first = (await doc.getPage(1)).getViewport({ scale: 1 });
      this.#layout.opened(doc.numPages, first);
      this.total = doc.numPages;
      // The boot script is painting page 1 already: let it finish rather than draw it twice.
      if (own) await own.page1;
      this.pdf = doc;
      // Page 1 starts rendering now; the viewer's observer takes over from its first callback.
      const wanted = /^#page=(\d+)$/.exec(deps.hash());
      this.#layout.lead = wanted ? Math.min(Math.max(Number(wanted[1]), 1), this.total) : 1;
      if (this.#layout.lead === 1) this.#layout.near.add(1);
      this.status = 'ready';
      await tick();
      if (this.#layout.lead > 1) await this.#jump(this.#layout.lead);
    } catch (error) {
      console.warn('the PDF could not be opened', error);
      this.status = 'error';
    }
  }

  /** "Try again": from scratch, not from what the boot script or the early fetch began. */
  async retry(): Promise<void> {
    this.#early = null;
    this.#useBoot = false;
    await this.#task?.destroy();
    this.pdf = null;
    this.total = 0;
    await this.open();
  }

  /** A page is on screen, drawn at `size`. */
  painted(page: number, size: PageSize): void {
    if (!this.firstPainted) {
      this.firstPainted = true;
      this.slow = false;
      // pdf-boot.js marks these when page 1's picture, or its canvas, is up before the app.
      // pdfjs-page1: pdf.js has page 1 (drawn, or its picture kept); its text layer follows.
      for (const name of ['sheaf:first-page', 'sheaf:pdfjs-page1']) {
        if (!this.#deps.marked(name)) this.#deps.mark(name);
      }
    }
    this.#layout.resize(page, size);
  }

  /** pdf.js is needed now (a jump, a zoom), even if the boot script was still waiting. */
  wantPdfjs(): void {
    const boot = this.#deps.takeBoot();
    if (boot?.src === this.#src) boot.start?.();
  }

  destroy(): void {
    this.#destroyed = true;
    this.#ranges.dispose();
    clearTimeout(this.#slowTimer);
    void this.#task?.destroy();
    // The boot script's loading task ends with this viewer: a later visit to this document
    // opens its own rather than adopting a destroyed one.
    const boot = this.#deps.takeBoot();
    if (boot?.src === this.#src) boot.src = '';
  }
}
