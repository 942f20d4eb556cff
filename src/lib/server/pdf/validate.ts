import { formatBytes } from '$lib/format/bytes';
import {
  readPdfFacts,
  THREAD_ENDED,
  THREAD_OVER_MEMORY,
  THREAD_STOPPED,
  type PdfFacts
} from './pdf-thread';

export type PdfCheck =
  | {
      ok: true;
      pages: number;
      /** Page 1 in PDF points, as shown (rotation applied). */ size: PageSize;
    }
  | { ok: false; reason: string };

export interface PageSize {
  width: number;
  height: number;
}

const MB = 1024 * 1024;
/** Long enough for a 2,000-page statement on a busy machine (0.1 s on a quiet one). */
const CHECK_TIMEOUT_MS = 20_000;
const HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** The message shown when a file is over the upload limit (also used before the body is read). */
export function tooLargeReason(filename: string, bytes: number, maxBytes: number): string {
  return `"${filename}" is ${formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)} per file.`;
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  // The spec allows junk before the header within the first 1 KB; pdf.js accepts that too.
  const end = Math.min(bytes.length - HEADER.length, 1024);
  for (let i = 0; i <= end; i++) {
    if (HEADER.every((b, j) => bytes[i + j] === b)) return true;
  }
  return false;
}

/**
 * Checks an upload before anything is stored: size, `%PDF-` header, pdf.js opens it (on the PDF
 * thread, within `timeoutMs`), not encrypted with a user password, at least one page. Every
 * reason names the file.
 */
export async function validatePdf(
  bytes: Uint8Array,
  filename: string,
  maxBytes: number,
  { timeoutMs = CHECK_TIMEOUT_MS } = {}
): Promise<PdfCheck> {
  if (bytes.byteLength === 0) return { ok: false, reason: `"${filename}" is empty.` };
  if (bytes.byteLength > maxBytes) {
    return { ok: false, reason: tooLargeReason(filename, bytes.byteLength, maxBytes) };
  }
  if (!hasPdfHeader(bytes)) {
    return { ok: false, reason: `"${filename}" is not a PDF. Export or save it as PDF first.` };
  }
  let facts: PdfFacts;
  try {
    // pdf.js runs on the PDF thread (pdf-thread.ts); a job that overran there, or another
    // upload's check that ran it out of memory, ended the thread under this one through no
    // fault of this file, so it is tried once more.
    facts = await readPdfFacts(bytes, timeoutMs).catch((error: Error) => {
      if (error.name === THREAD_ENDED || error.name === THREAD_OVER_MEMORY) {
        return readPdfFacts(bytes, timeoutMs);
      }
      throw error;
    });
  } catch (error) {
    const { name, message } = error as Error;
    // The app is stopping: not the file's fault, so no refusal; the upload fails as any
    // request cut short by a stop would.
    if (name === THREAD_STOPPED) throw error;
    if (name === 'PasswordException') {
      return {
        ok: false,
        reason: `"${filename}" is password-protected. Save a copy without a password and upload that.`
      };
    }
    if (name === 'InvalidPDFException') {
      return {
        ok: false,
        reason: `"${filename}" is damaged or incomplete (it may have been cut off). Export it again.`
      };
    }
    if (name === THREAD_OVER_MEMORY) {
      return {
        ok: false,
        reason: `"${filename}" needs more memory to open than a document may use; it may be damaged. Export it again.`
      };
    }
    if (name === 'TimeoutError') {
      return {
        ok: false,
        reason: `"${filename}" took too long to open (over ${timeoutMs / 1000} s); it may be damaged. Export it again.`
      };
    }
    return {
      ok: false,
      reason: `"${filename}" could not be read as a PDF (${message || 'unknown error'}).`
    };
  }
  if (!('width' in facts)) return { ok: false, reason: `"${filename}" has no pages.` };
  return { ok: true, pages: facts.pages, size: { width: facts.width, height: facts.height } };
}

export const mbToBytes = (mb: number) => Math.floor(mb * MB);
