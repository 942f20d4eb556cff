// Loaded by the viewer page's <head> as a plain module (script-src 'self'), before the app
// hydrates: starts pdf.js, its worker and the first and last byte ranges of the PDF, and leaves
// the promises on window.__sheafPdfBoot for PdfViewer to pick up. It does nothing when the
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

if (el && build === d.build) {
  const length = Number(d.bytes);
  const chunk = Number(d.chunk);
  const src = String(d.src);
  const lib = import(/* @vite-ignore */ String(d.lib)).then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = d.worker;
    return pdfjs;
  });
  const tailBegin = Math.floor((length - 1) / chunk) * chunk;
  const boot = {
    build,
    src,
    lib,
    worker: lib.then((pdfjs) => new pdfjs.PDFWorker()),
    first: range(src, 0, Math.min(length, chunk)),
    tail:
      tailBegin > 0
        ? range(src, tailBegin, length).then((bytes) => ({ begin: tailBegin, bytes }))
        : Promise.resolve(null)
  };
  for (const p of [boot.lib, boot.worker, boot.first, boot.tail]) p.catch(() => {});
  g.__sheafPdfBoot = boot;
}
