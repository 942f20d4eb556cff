// Loaded by the viewer page's <head> as an async module (script-src 'self'), so it runs as soon
// as it arrives, before the app hydrates: it starts pdf.js, its worker and the first and last
// byte ranges of the PDF, opens the document and paints page 1 into the server-rendered page
// frame, in parallel with the app's own JavaScript. Where page 1's picture (drawn on the server)
// is on screen and sharp enough, the reader has their page without pdf.js, so pdf.js waits for
// the reader's first gesture (a touch, a click, a key, a wheel, a scroll) or until the page
// has been idle for IDLE_MS after it loaded: starting pdf.js costs a phone's main thread about
// a second (evaluating its module, the worker's messages), which would otherwise land while the
// page is becoming interactive. It leaves its promises on
// window.__sheafPdfBoot for PdfViewer, which imports this same URL (one module instance: it
// never runs twice) and adopts that canvas. It does nothing when this browser cannot run the
// build the server hinted; the viewer then starts everything itself.
const el = /** @type {HTMLScriptElement | null} */ (
  document.querySelector('script[data-sheaf-pdf]')
);
const d = el ? el.dataset : /** @type {DOMStringMap} */ ({});
/** @type {any} */
const g = globalThis;
const modernOk =
  'userAgentData' in navigator &&
  typeof g.Promise.withResolvers === 'function' &&
  typeof g.Promise.try === 'function' &&
  typeof g.Map.prototype.getOrInsertComputed === 'function' &&
  typeof g.Uint8Array.fromBase64 === 'function' &&
  typeof g.Uint8Array.prototype.toHex === 'function';
const legacyOk =
  typeof Worker === 'function' &&
  typeof OffscreenCanvas === 'function' &&
  typeof structuredClone === 'function';
// The build the server hinted, if this browser can run it (the legacy build runs
// wherever the modern one does): never a second copy of pdf.js and its worker.
const build = d.build === 'modern' ? (modernOk ? 'modern' : 'none') : legacyOk ? 'legacy' : 'none';

/** Marks `name` once, at `startTime` when given (a paint time) or now. @param {string} name @param {number} [startTime] */
function markOnce(name, startTime) {
  if (performance.getEntriesByName(name).length) return;
  try {
    performance.mark(name, startTime === undefined ? undefined : { startTime });
  } catch {
    performance.mark(name); // no User Timing level 3 (mark options): now, then
  }
}

/** Runs f once the HTML is parsed. @param {() => void} f */
function whenReady(f) {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', f, { once: true });
  } else f();
}
const picture = () =>
  /** @type {HTMLImageElement | null} */ (
    document.querySelector('img[elementtiming="sheaf-page-1"]')
  );
// Page 1's picture (drawn on the server, in the HTML) is the first page the reader sees, in
// every browser, whatever pdf.js does: it is marked when it paints (element timing), or, where
// that is not measured, once it is decoded and a frame has passed.
if (
  typeof PerformanceObserver === 'function' &&
  PerformanceObserver.supportedEntryTypes?.includes('element')
) {
  new PerformanceObserver((list, observer) => {
    for (const entry of /** @type {any[]} */ (list.getEntries())) {
      if (entry.identifier !== 'sheaf-page-1') continue;
      observer.disconnect();
      markOnce('sheaf:first-page', entry.renderTime || entry.loadTime);
    }
  }).observe({ type: 'element', buffered: true });
} else {
  whenReady(() => {
    const img = picture();
    img
      ?.decode()
      .then(() => requestAnimationFrame(() => markOnce('sheaf:first-page')))
      .catch(() => {});
  });
}

/** Resolves once page 1's picture has painted, failed, or when there is none. */
function pictureSettled() {
  return new Promise((resolve) => {
    if (performance.getEntriesByName('sheaf:first-page').length) return resolve(null);
    whenReady(() => {
      const img = picture();
      if (!img) return resolve(null);
      const done = () => requestAnimationFrame(() => setTimeout(resolve, 0));
      if (img.complete) return done();
      img.addEventListener('load', done, { once: true });
      img.addEventListener('error', done, { once: true });
    });
  });
}

/** @param {string} url @param {number} begin @param {number} end */
async function range(url, begin, end) {
  const response = await fetch(url, {
    headers: { Range: `bytes=${begin}-${end - 1}` },
    credentials: 'same-origin'
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 206 && !(begin === 0 && bytes.byteLength === end)) {
    throw new Error(`HTTP ${response.status}`);
  }
  if (bytes.byteLength !== end - begin) throw new Error('short range');
  return bytes;
}

/** How long after the page's load event pdf.js starts when the reader does nothing. */
const IDLE_MS = 3000;
const LOAD_WAIT_MS = 8000;
const GESTURES = ['pointerdown', 'touchstart', 'wheel', 'keydown', 'scroll'];

/**
 * Resolves at the reader's first gesture (captured on the window: scrolls of the viewer's own
 * scroller included), when `start` is called, or once the page has been idle for IDLE_MS after
 * its load event (then at the next idle moment), whichever comes first. A load event that never
 * comes (a subresource stuck on a bad connection) holds it up by LOAD_WAIT_MS at most.
 * Resolves to why: the gesture's event type, 'idle', or the reason given to `start`.
 * @returns {{ wanted: Promise<string>, start: (reason: string) => void }}
 */
function readerIntent() {
  /** @type {(reason: string) => void} */
  let start = () => {};
  /** @type {Promise<string>} */
  const wanted = new Promise((resolve) => {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const idle = () => go('idle');
    const arm = () => {
      clearTimeout(timer);
      removeEventListener('load', arm);
      timer = setTimeout(() => {
        if (typeof requestIdleCallback === 'function') requestIdleCallback(idle, { timeout: 1000 });
        else idle();
      }, IDLE_MS);
    };
    /** @param {Event} event */
    const gesture = (event) => go(event.type);
    /** @param {string} reason */
    const go = (reason) => {
      for (const type of GESTURES) removeEventListener(type, gesture, true);
      removeEventListener('load', arm);
      clearTimeout(timer);
      resolve(reason);
    };
    start = go;
    for (const type of GESTURES) addEventListener(type, gesture, { capture: true, passive: true });
    if (document.readyState === 'complete') arm();
    else {
      addEventListener('load', arm, { once: true });
      timer = setTimeout(arm, LOAD_WAIT_MS);
    }
  });
  return { wanted, start };
}

/**
 * Whether page 1's picture can stand in for pdf.js for now: it loaded, it is as sharp as the
 * canvas pdf.js would draw, and the reader opened the document at page 1.
 * @param {number} fitMin @param {number} fitMax @param {number} fitMargin @param {number} sharp
 */
function pictureSuffices(fitMin, fitMax, fitMargin, sharp) {
  const wanted = /^#page=(\d+)$/.exec(location.hash);
  if (wanted && Number(wanted[1]) !== 1) return false;
  const img = picture();
  const scroller = img?.closest('[data-pdf-scroller]');
  if (!img?.complete || !img.naturalWidth || !scroller) return false;
  const fit = Math.max(fitMin, Math.min(scroller.clientWidth - fitMargin, fitMax));
  const pixels = Number(/\/(\d+)$/.exec(img.currentSrc)?.[1] ?? 0);
  return pixels >= Math.floor(fit * Math.min(window.devicePixelRatio || 1, 3)) * sharp;
}

if (el && build === d.build && !g.__sheafPdfBoot) {
  const length = Number(d.bytes);
  const chunk = Number(d.chunk);
  const src = String(d.src);
  performance.mark('sheaf:boot');
  // Nothing starts before the page's first paint (one frame, then a task) and page 1's picture
  // are on screen: the big downloads (pdf.js, its worker, the PDF) never compete with them for
  // a slow connection, and Lighthouse's simulation, which counts every request begun before a
  // paint as holding that paint up, sees them after it.
  const firstPaint = new Promise((resolve) => {
    if (performance.getEntriesByName('first-contentful-paint').length) return resolve(null);
    try {
      new PerformanceObserver((list, observer) => {
        if (!list.getEntriesByName('first-contentful-paint').length) return;
        observer.disconnect();
        resolve(null);
      }).observe({ type: 'paint' });
    } catch {
      // No paint timing (Safari before 14.1): the frame below stands in.
    }
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 250); // a background tab gets no animation frames
  });
  const [fitMin, fitMax, fitMargin] = String(d.fit).split(',').map(Number);
  const maxPixels = Number(d.maxPixels);
  const pictureSharp = Number(d.pictureSharp);
  const intent = readerIntent();
  // Async scripts hold up the load event, so a page already loaded means the app imported this
  // script itself after a client-side navigation (the reader tapped a document): there is no
  // hydration to keep the main thread free for, and the reader has asked for the document.
  if (document.readyState === 'complete') intent.start('navigation');
  const painted = firstPaint
    .then(() =>
      Promise.race([
        pictureSettled(),
        // A picture still loading after this long (a very slow connection) waits no more.
        new Promise((resolve) => setTimeout(resolve, 2500))
      ])
    )
    .then(() => {
      if (!pictureSuffices(fitMin, fitMax, fitMargin, pictureSharp)) intent.start('picture');
      return intent.wanted;
    })
    .then((reason) => {
      // Why pdf.js started (the tests read it): a gesture's event type, 'idle', 'navigation',
      // 'picture' (none, or not sharp enough, or a #page link), or 'viewer' (a zoom or a jump).
      try {
        performance.mark('sheaf:boot-start', { detail: reason });
      } catch {
        performance.mark('sheaf:boot-start');
      }
    });
  const lib = painted
    .then(() => import(/* @vite-ignore */ String(d.lib)))
    .then((pdfjs) => {
      performance.mark('sheaf:boot-lib');
      pdfjs.GlobalWorkerOptions.workerSrc = d.worker;
      return pdfjs;
    });
  const tailBegin = Math.floor((length - 1) / chunk) * chunk;
  const first = painted.then(() => range(src, 0, Math.min(length, chunk)));
  const tail = painted.then(() =>
    tailBegin > 0
      ? range(src, tailBegin, length).then((bytes) => ({ begin: tailBegin, bytes }))
      : null
  );
  // The worker's script starts downloading and compiling alongside pdf.js itself, rather than
  // once pdf.js has loaded (it is on the critical path: nothing opens until it is up).
  const port = painted.then(() => {
    // A worker's own script request goes at the lowest priority, behind every module of the
    // app (HTTP/1.1 gives a host six connections). Asked for first as a plain fetch, the
    // script (immutable, cached for a year) comes at once, and the worker reads it from the
    // HTTP cache.
    fetch(String(d.worker), { credentials: 'same-origin' }).catch(() => {});
    try {
      return new Worker(String(d.worker), { type: 'module' });
    } catch {
      return null; // pdf.js starts its own worker below.
    }
  });
  const worker = Promise.all([lib, port]).then(([pdfjs, p]) =>
    p ? new pdfjs.PDFWorker({ port: p }) : new pdfjs.PDFWorker()
  );
  const boot = {
    build,
    src,
    lib,
    worker,
    first,
    tail,
    /** Settles once pdf.js is on its way (see readerIntent): until then page 1 is the picture. */
    started: painted.then(() => {}),
    /** Starts pdf.js now (the viewer calls it when it needs pages: a zoom, a jump). */
    start: () => intent.start('viewer'),
    /** Set by the viewer: hears about ranges that failed (and how to ask for one again). */
    onerror: /** @type {((error: unknown, again: () => void) => void) | null} */ (null),
    /** Set by the viewer once it has hydrated: from then on the page frames are its own. */
    claimed: false,
    /** What page 1 was painted at, once it is on screen (read by the viewer as it starts). */
    painted: /** @type {{ width: number; height: number; scroller: number } | null} */ (null),
    /** Resolves once page 1 is painted (true), or when the boot script leaves it to the viewer. */
    page1: /** @type {Promise<boolean>} */ (Promise.resolve(false)),
    /** The loading task (pdf.js's getDocument), over Sheaf's own range requests. */
    task: Promise.all([lib, worker, first, tail.catch(() => null)]).then(
      ([pdfjs, w, bytes, end]) => {
        /** @type {new (length: number, initial: Uint8Array) => any} */
        const Transport = pdfjs.PDFDataRangeTransport;
        class BootRangeTransport extends Transport {
          /** @param {number} begin @param {number} stop */
          requestDataRange(begin, stop) {
            const got =
              end && begin === end.begin && stop === length
                ? Promise.resolve(end.bytes)
                : range(src, begin, stop);
            got
              .then((b) => this.onDataRange(begin, b))
              .catch((/** @type {unknown} */ error) =>
                boot.onerror?.(error, () => this.requestDataRange(begin, stop))
              );
          }
        }
        const task = pdfjs.getDocument({
          range: new BootRangeTransport(length, bytes),
          worker: w,
          rangeChunkSize: chunk,
          disableAutoFetch: true,
          disableStream: true,
          isEvalSupported: false,
          enableXfa: false
        });
        return task;
      }
    )
  };
  // Page 1 is what the reader waits for: ask for it as soon as the document opens.
  boot.page1 = boot.task
    .then((task) => task.promise)
    .then((/** @type {any} */ doc) => {
      performance.mark('sheaf:boot-opened');
      return doc.getPage(1);
    })
    .then(paintFirstPage)
    .catch(() => false);
  for (const p of [boot.lib, boot.worker, boot.first, boot.tail, boot.task]) p.catch(() => {});
  g.__sheafPdfBoot = boot;

  /**
   * Draws page 1 exactly as PdfPage would (same fit, same canvas size; it adopts the canvas by
   * its data-scale) into the frame the server rendered, and sizes that frame to the page.
   * @param {any} page
   */
  async function paintFirstPage(page) {
    const wanted = /^#page=(\d+)$/.exec(location.hash);
    if (wanted && Number(wanted[1]) !== 1) return false;
    if (document.readyState === 'loading') {
      await new Promise((resolve) =>
        document.addEventListener('DOMContentLoaded', resolve, { once: true })
      );
    }
    const frame = /** @type {HTMLElement | null} */ (document.querySelector('[data-page="1"]'));
    const host = frame?.querySelector('[data-canvas]');
    const scroller = /** @type {HTMLElement | null | undefined} */ (
      frame?.closest('[data-pdf-scroller]')
    );
    if (!frame || !host || !scroller || host.querySelector('canvas')) return false;
    // The reader has moved on to another document (a client-side navigation): not its page 1.
    if (scroller.dataset.src !== src) return false;
    performance.mark('sheaf:boot-page1');
    const fit = Math.max(fitMin, Math.min(scroller.clientWidth - fitMargin, fitMax));
    const base = page.getViewport({ scale: 1 });
    const scale = fit / base.width;
    const viewport = page.getViewport({ scale });
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    const ratio = Math.min(dpr, Math.sqrt(maxPixels / (viewport.width * viewport.height)));
    // Page 1's picture, on screen and as sharp as this canvas would be, stands in for it: the
    // page is not drawn twice (the viewer draws it once a zoom outgrows the picture).
    // (Its URL ends in its width in pixels, as picturePixels in page-fit.ts reads it.)
    const img = picture();
    const pixels = Number(/\/(\d+)$/.exec(img?.currentSrc ?? '')?.[1] ?? 0);
    if (
      img?.complete &&
      img.naturalWidth &&
      pixels >= Math.floor(viewport.width * ratio) * pictureSharp
    ) {
      return false;
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.setAttribute('aria-hidden', 'true');
    canvas.dataset.scale = String(scale);
    await page.render({
      canvas,
      viewport,
      transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0]
    }).promise;
    if (host.querySelector('canvas')) return false;
    // Once the viewer has hydrated, it sizes the frame.
    if (!boot.claimed) {
      frame.style.width = `${viewport.width}px`;
      frame.style.height = `${viewport.height}px`;
    }
    host.append(canvas);
    boot.painted = { width: base.width, height: base.height, scroller: scroller.clientWidth };
    // Page 1 is up once its canvas is in a frame of its size: the viewer, if it has hydrated,
    // sized the frame as soon as the PDF opened; otherwise the viewer says so when it adopts it.
    const box = frame.getBoundingClientRect();
    if (Math.abs(box.width - viewport.width) < 1 && Math.abs(box.height - viewport.height) < 1) {
      markOnce('sheaf:first-page');
      markOnce('sheaf:pdfjs-page1');
    }
    return true;
  }
}
