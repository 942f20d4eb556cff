import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PdfBoot, PdfLib } from './pdf-loader';
import type { RangeFailed } from './pdf-source';
import { LETTER, PageLayout } from './page-layout.svelte';
import { RangeRetry } from './range-retry';
import { claimBoot, SLOW_MS, ViewerDocument, type ViewerDeps } from './viewer-document.svelte';

const A4 = { width: 595, height: 842 };
const SRC = '/api/files/d1';

function fakePdf(pages = 5, failing = false) {
  const doc = {
    numPages: pages,
    getPage: vi.fn(async () => ({ getViewport: () => ({ ...A4 }) }))
  };
  const task = {
    promise: failing ? Promise.reject(new Error('bad PDF')) : Promise.resolve(doc),
    destroy: vi.fn(async () => {})
  };
  task.promise.catch(() => {});
  return { doc, task };
}

function setup(over: Partial<ViewerDeps> = {}, pdf = fakePdf()) {
  let onRangeFailed: RangeFailed | null = null;
  let reconnect: (() => void) | null = null;
  const marks: string[] = [];
  const lib = { getDocument: vi.fn(() => pdf.task) } as unknown as PdfLib;
  const deps: ViewerDeps = {
    browser: true,
    chooseBuild: () => 'modern',
    bootScript: () => null,
    takeBoot: () => null,
    loadBoot: vi.fn(async () => null),
    loadPdfjs: vi.fn(async () => lib),
    getPdfWorker: vi.fn(async () => ({}) as never),
    prefetchPdf: vi.fn((url: string, length: number) => ({
      url,
      length,
      first: Promise.resolve(new Uint8Array()),
      tail: Promise.resolve(null)
    })),
    createRangeTransport: vi.fn(async (_lib, _early, onerror: RangeFailed) => {
      onRangeFailed = onerror;
      return {} as never;
    }),
    hash: () => '',
    mark: (name) => void marks.push(name),
    marked: (name) => marks.includes(name),
    retry: (onchange) =>
      new RangeRetry(onchange, {
        online: () => false,
        onOnline: (fn) => {
          reconnect = fn;
          return () => (reconnect = null);
        },
        later: () => () => {}
      }),
    ...over
  };
  const layout = new PageLayout(3, LETTER, 390);
  const jump = vi.fn(async () => {});
  const viewer = new ViewerDocument({ src: SRC, bytes: 1000 }, layout, jump, deps);
  return {
    viewer,
    layout,
    jump,
    deps,
    lib,
    pdf,
    marks,
    rangeFailed: (again: () => void) => onRangeFailed!(new Error('offline'), again),
    reconnect: () => reconnect?.()
  };
}

function boot(over: Partial<PdfBoot> = {}, pdf = fakePdf()): PdfBoot {
  return {
    build: 'modern',
    src: SRC,
    lib: Promise.resolve({} as PdfLib),
    worker: Promise.resolve({} as never),
    first: Promise.resolve(new Uint8Array()),
    tail: Promise.resolve(null),
    task: Promise.resolve(pdf.task as never),
    started: Promise.resolve(),
    start: vi.fn(),
    onerror: null,
    claimed: false,
    painted: null,
    page1: Promise.resolve(true),
    ...over
  };
}

describe('ViewerDocument', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('opens over Range requests, then frames every page at page 1’s size', async () => {
    const { viewer, layout, lib, jump, marks } = setup();
    await viewer.open();
    expect(viewer.status).toBe('ready');
    expect(viewer.total).toBe(5);
    expect(viewer.pdf).not.toBeNull();
    expect(layout.sizes).toEqual(Array.from({ length: 5 }, () => A4));
    expect(layout.lead).toBe(1);
    expect(layout.near.has(1)).toBe(true);
    expect(jump).not.toHaveBeenCalled();
    expect(lib.getDocument).toHaveBeenCalledWith(
      expect.objectContaining({ disableAutoFetch: true, disableStream: true })
    );
    expect(marks).toEqual(['sheaf:viewer-open', 'sheaf:pdfjs-loaded', 'sheaf:pdf-opened']);
  });

  it('starts fetching the file at once in the browser, unless the boot script does', () => {
    expect(setup().deps.prefetchPdf).toHaveBeenCalledWith(SRC, 1000);
    const booted = setup({ bootScript: () => ({}) as HTMLScriptElement });
    expect(booted.deps.prefetchPdf).not.toHaveBeenCalled();
    expect(setup({ browser: false }).deps.prefetchPdf).not.toHaveBeenCalled();
  });

  it('opens at #page=N, within the document', async () => {
    const at3 = setup({ hash: () => '#page=3' });
    await at3.viewer.open();
    expect(at3.layout.lead).toBe(3);
    expect(at3.layout.near.has(1)).toBe(false);
    expect(at3.jump).toHaveBeenCalledWith(3);
    const past = setup({ hash: () => '#page=99' });
    await past.viewer.open();
    expect(past.jump).toHaveBeenCalledWith(5);
  });

  it('says so where the browser cannot run pdf.js', async () => {
    const { viewer, deps } = setup({ chooseBuild: () => 'unsupported' });
    await viewer.open();
    expect(viewer.status).toBe('unsupported');
    expect(deps.loadPdfjs).not.toHaveBeenCalled();
  });

  it('shows the error for a PDF that does not open, and tries again from scratch', async () => {
    const failing = fakePdf(5, true);
    const { viewer, deps, lib, pdf } = setup({}, failing);
    await viewer.open();
    expect(viewer.status).toBe('error');
    expect(deps.loadBoot).toHaveBeenCalledTimes(1);
    pdf.task.promise = Promise.resolve(fakePdf(2).doc);
    await viewer.retry();
    expect(failing.task.destroy).toHaveBeenCalled();
    expect(deps.loadBoot).toHaveBeenCalledTimes(1);
    expect(deps.prefetchPdf).toHaveBeenCalledTimes(2);
    expect(lib.getDocument).toHaveBeenCalledTimes(2);
    expect(viewer.status).toBe('ready');
    expect(viewer.total).toBe(2);
  });

  it('a part missing before it opened is an error; after, its pages wait for reconnect', async () => {
    // pdf.js waits for the missing part meanwhile: the document never opens.
    const stuck = fakePdf();
    stuck.task.promise = new Promise(() => {});
    const before = setup({}, stuck);
    void before.viewer.open();
    await vi.waitFor(() => expect(before.deps.createRangeTransport).toHaveBeenCalled());
    before.rangeFailed(() => {});
    expect(before.viewer.status).toBe('error');

    const after = setup();
    await after.viewer.open();
    const again = vi.fn();
    after.rangeFailed(again);
    expect(after.viewer.status).toBe('ready');
    expect(after.viewer.waiting).toBe(true);
    after.reconnect();
    expect(again).toHaveBeenCalled();
    expect(after.viewer.waiting).toBe(false);
  });

  it('adopts what the boot script opened for this document, and lets it paint page 1', async () => {
    let painted!: (done: boolean) => void;
    const own = boot({ page1: new Promise((resolve) => (painted = resolve)) });
    const { viewer, deps, lib } = setup({ loadBoot: vi.fn(async () => own) });
    const opening = viewer.open();
    await vi.waitFor(() => expect(viewer.total).toBe(5));
    expect(own.claimed).toBe(true);
    expect(own.onerror).toBeTypeOf('function');
    expect(viewer.pdf).toBeNull();
    painted(true);
    await opening;
    expect(viewer.pdf).not.toBeNull();
    expect(viewer.status).toBe('ready');
    expect(deps.loadPdfjs).not.toHaveBeenCalled();
    expect(lib.getDocument).not.toHaveBeenCalled();
  });

  it('leaves another document’s boot alone', async () => {
    const other = boot({ src: '/api/files/other' });
    const { viewer, deps } = setup({ loadBoot: vi.fn(async () => other) });
    await viewer.open();
    expect(other.claimed).toBe(false);
    expect(deps.loadPdfjs).toHaveBeenCalled();
    expect(viewer.status).toBe('ready');
  });

  it('says the connection seems slow when no page is up after SLOW_MS', async () => {
    vi.useFakeTimers();
    const slow = setup();
    await slow.viewer.open();
    vi.advanceTimersByTime(SLOW_MS);
    expect(slow.viewer.slow).toBe(true);
    slow.viewer.painted(1, A4);
    expect(slow.viewer.slow).toBe(false);

    const quick = setup();
    await quick.viewer.open();
    quick.viewer.painted(1, A4);
    vi.advanceTimersByTime(SLOW_MS);
    expect(quick.viewer.slow).toBe(false);
  });

  it('marks the first page once, and frames a page drawn at another size', async () => {
    const { viewer, layout, marks } = setup();
    await viewer.open();
    viewer.painted(1, A4);
    viewer.painted(2, { width: 842, height: 595 });
    expect(viewer.firstPainted).toBe(true);
    expect(marks.filter((m) => m === 'sheaf:first-page')).toHaveLength(1);
    expect(marks.filter((m) => m === 'sheaf:pdfjs-page1')).toHaveLength(1);
    expect(layout.sizes[1]).toEqual({ width: 842, height: 595 });
  });

  it('gone before pdf.js started, it starts nothing; gone after, it ends its loading task', async () => {
    let start!: () => void;
    const own = boot({ started: new Promise((resolve) => (start = resolve)) });
    const early = setup({ loadBoot: vi.fn(async () => own), takeBoot: () => own });
    const opening = early.viewer.open();
    early.viewer.destroy();
    start();
    await opening;
    expect(early.viewer.status).toBe('loading');
    expect(own.src).toBe('');

    const late = setup();
    await late.viewer.open();
    late.viewer.destroy();
    expect(late.pdf.task.destroy).toHaveBeenCalled();
  });

  it('starts the boot script’s pdf.js when the reader needs it', () => {
    const own = boot();
    setup({ takeBoot: () => own }).viewer.wantPdfjs();
    expect(own.start).toHaveBeenCalled();
    const other = boot({ src: '/api/files/other' });
    setup({ takeBoot: () => other }).viewer.wantPdfjs();
    expect(other.start).not.toHaveBeenCalled();
  });
});

describe('claimBoot', () => {
  it('takes the size the boot script painted this document at', () => {
    const painted = { width: 612, height: 792, scroller: 390 };
    const own = boot({ painted });
    expect(claimBoot(SRC, { browser: true, takeBoot: () => own })).toEqual(painted);
    expect(own.claimed).toBe(true);
  });

  it('takes nothing of another document’s, nor on the server', () => {
    const other = boot({ src: '/api/files/other', painted: { width: 1, height: 1, scroller: 1 } });
    expect(claimBoot(SRC, { browser: true, takeBoot: () => other })).toBeNull();
    expect(other.claimed).toBe(false);
    expect(claimBoot(SRC, { browser: false, takeBoot: () => boot() })).toBeNull();
  });
});
