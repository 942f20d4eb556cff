import { getDocument, InvalidPDFException } from 'pdfjs-dist/legacy/build/pdf.mjs';

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
const HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** Human size: 12 KB, 3.4 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

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
 * Checks an upload before anything is stored: size, `%PDF-` header, pdf.js opens it, not
 * encrypted with a user password, at least one page. Every reason names the file.
 */
export async function validatePdf(
  bytes: Uint8Array,
  filename: string,
  maxBytes: number
): Promise<PdfCheck> {
  if (bytes.byteLength === 0) return { ok: false, reason: `"${filename}" is empty.` };
  if (bytes.byteLength > maxBytes) {
    return { ok: false, reason: tooLargeReason(filename, bytes.byteLength, maxBytes) };
  }
  if (!hasPdfHeader(bytes)) {
    return { ok: false, reason: `"${filename}" is not a PDF. Export or save it as PDF first.` };
  }
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: true,
    verbosity: 0
  });
  try {
    const pdf = await task.promise;
    const pages = pdf.numPages;
    if (!pages || pages < 1) return { ok: false, reason: `"${filename}" has no pages.` };
    // Touch the first page: a damaged page tree fails here rather than in the client's viewer.
    const { width, height } = (await pdf.getPage(1)).getViewport({ scale: 1 });
    return { ok: true, pages, size: { width, height } };
  } catch (error) {
    if ((error as { name?: string })?.name === 'PasswordException') {
      return {
        ok: false,
        reason: `"${filename}" is password-protected. Save a copy without a password and upload that.`
      };
    }
    if (error instanceof InvalidPDFException) {
      return {
        ok: false,
        reason: `"${filename}" is damaged or incomplete (it may have been cut off). Export it again.`
      };
    }
    return {
      ok: false,
      reason: `"${filename}" could not be read as a PDF (${(error as Error)?.message ?? 'unknown error'}).`
    };
  } finally {
    await task.destroy().catch(() => {});
  }
}

export const mbToBytes = (mb: number) => Math.floor(mb * MB);
