// Feeds pdf.js byte ranges that Sheaf fetches itself. The first and the last chunk (where a
// PDF keeps its cross-reference table) are requested as soon as the viewer starts, in parallel
// with loading pdf.js and its worker, so page 1 can paint as soon as the library is ready;
// later ranges are fetched on demand. Requires a server that answers Range requests.
import type { PDFDataRangeTransport } from 'pdfjs-dist';
import type { PdfBoot, PdfLib } from './pdf-loader';

export const CHUNK = 256 * 1024;

export interface EarlyPdf {
  url: string;
  length: number;
  first: Promise<Uint8Array>;
  tail: Promise<{ begin: number; bytes: Uint8Array } | null>;
}

async function fetchRange(url: string, begin: number, end: number): Promise<Uint8Array> {
  const response = await fetch(url, {
    headers: { Range: `bytes=${begin}-${end - 1}` },
    credentials: 'same-origin'
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const whole = response.status === 200 && begin === 0 && bytes.byteLength === end;
  if (response.status !== 206 && !whole) throw new Error(`HTTP ${response.status} for ${url}`);
  if (bytes.byteLength !== end - begin) throw new Error(`short range from ${url}`);
  return bytes;
}

/** Starts fetching the first and the last chunk of a PDF of `length` bytes. */
export function prefetchPdf(url: string, length: number, boot?: PdfBoot | null): EarlyPdf {
  if (boot && boot.src === url) return { url, length, first: boot.first, tail: boot.tail };
  const first = fetchRange(url, 0, Math.min(length, CHUNK));
  const tailBegin = Math.floor((length - 1) / CHUNK) * CHUNK;
  const tail =
    tailBegin > 0
      ? fetchRange(url, tailBegin, length).then((bytes) => ({ begin: tailBegin, bytes }))
      : Promise.resolve(null);
  first.catch(() => {});
  tail.catch(() => {});
  return { url, length, first, tail };
}

/** Hears about a range that failed; `again` asks for it again (pdf.js waits for it meanwhile). */
export type RangeFailed = (error: unknown, again: () => void) => void;

/** A pdf.js range transport over the early chunks; `onerror` hears about failed ranges. */
export async function createRangeTransport(
  lib: PdfLib,
  early: EarlyPdf,
  onerror: RangeFailed
): Promise<PDFDataRangeTransport> {
  const tail = await early.tail.catch(() => null);
  class SheafRangeTransport extends lib.PDFDataRangeTransport {
    requestDataRange(begin: number, end: number) {
      // pdf.js asks for the last chunk early on; it is usually here already.
      const bytes =
        tail && begin === tail.begin && end === early.length
          ? Promise.resolve(tail.bytes)
          : fetchRange(early.url, begin, end);
      bytes
        .then((b) => this.onDataRange(begin, b))
        .catch((error: unknown) => onerror(error, () => this.requestDataRange(begin, end)));
    }
  }
  return new SheafRangeTransport(early.length, await early.first);
}
