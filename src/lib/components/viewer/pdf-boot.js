// Loaded by the viewer page's <head> as an async module (script-src 'self'), so it runs as soon
// as it arrives, before the app hydrates: it starts pdf.js, its worker and the first and last
// byte ranges of the PDF, opens the document and asks for page 1, all in parallel with the
// app's own JavaScript. It leaves its promises on window.__sheafPdfBoot for PdfViewer, which
// imports this same URL (one module instance: it never runs twice). It does nothing when the
// browser does not match the build the server hinted; the viewer then starts everything itself.
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
const build = modernOk ? 'modern' : legacyOk ? 'legacy' : 'unsupported';

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

if (el && build === d.build && !g.__sheafPdfBoot) {
  const length = Number(d.bytes);
  const chunk = Number(d.chunk);
  const src = String(d.src);
  const lib = import(/* @vite-ignore */ String(d.lib)).then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = d.worker;
    return pdfjs;
  });
  const tailBegin = Math.floor((length - 1) / chunk) * chunk;
  const first = range(src, 0, Math.min(length, chunk));
  const tail =
    tailBegin > 0
      ? range(src, tailBegin, length).then((bytes) => ({ begin: tailBegin, bytes }))
      : Promise.resolve(null);
  // The worker's script starts downloading and compiling now, alongside pdf.js itself, rather
  // than once pdf.js has loaded (it is on the critical path: nothing opens until it is up).
  /** @type {Worker | null} */
  let port = null;
  try {
    port = new Worker(String(d.worker), { type: 'module' });
  } catch {
    // pdf.js starts its own worker below.
  }
  const worker = lib.then((pdfjs) =>
    port ? new pdfjs.PDFWorker({ port }) : new pdfjs.PDFWorker()
  );
  const boot = {
    build,
    src,
    lib,
    worker,
    first,
    tail,
    /** Set by the viewer: hears about ranges that failed after the document opened. */
    onerror: /** @type {((error: unknown) => void) | null} */ (null),
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
              .catch((/** @type {unknown} */ error) => boot.onerror?.(error));
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
        // Page 1 is what the reader waits for: ask for it as soon as the document opens.
        task.promise.then((/** @type {any} */ doc) => doc.getPage(1)).catch(() => {});
        return task;
      }
    )
  };
  for (const p of [boot.lib, boot.worker, boot.first, boot.tail, boot.task]) p.catch(() => {});
  g.__sheafPdfBoot = boot;
}
