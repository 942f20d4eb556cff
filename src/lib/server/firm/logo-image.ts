// What an uploaded logo is, read from its bytes without decoding them: the format by its magic
// number (PNG, JPEG or WebP only: SVG can carry script, and GIF or anything else is refused), its
// pixel size from the header, and whether the file is whole. A 30000×30000 PNG is refused here,
// from its IHDR, before any decoder allocates it.
import { LOGO_TOO_LARGE, MAX_LOGO_BYTES } from '../http/limits';
import { MAX_IMAGE_PIXELS } from '../pdf/pdf-thread';

export const LOGO_TYPES = ['png', 'jpeg', 'webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

export { MAX_LOGO_BYTES };
/** A side longer than this is refused before decoding. */
export const MAX_LOGO_SIDE = 10_000;
/** As pdf.js's bound on a PDF's images (pdf-thread.ts): a decoded image of 160 MB at most. */
export const MAX_LOGO_PIXELS = MAX_IMAGE_PIXELS;

export const NOT_AN_IMAGE = 'Upload a PNG, JPEG or WebP image.';
export const DAMAGED = 'That image could not be read: it may be damaged. Save it again and retry.';
export const TOO_LARGE_FILE = LOGO_TOO_LARGE;

export type LogoFacts =
  { ok: true; type: LogoType; width: number; height: number } | { ok: false; message: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** The image format by its first bytes, or null for anything else (SVG, GIF, text, PDF...). */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    return 'webp';
  }
  return null;
}

/**
 * Checks an upload before it is decoded: size, format, the whole file present, and a pixel size
 * a decoder may allocate. Every refusal is a sentence for the owner.
 */
export function readLogoFacts(bytes: Uint8Array): LogoFacts {
  if (bytes.byteLength === 0) return { ok: false, message: 'Choose an image file to upload.' };
  if (bytes.byteLength > MAX_LOGO_BYTES) return { ok: false, message: TOO_LARGE_FILE };
  const type = sniffLogoType(bytes);
  if (!type) return { ok: false, message: NOT_AN_IMAGE };
  const size = { png: pngSize, jpeg: jpegSize, webp: webpSize }[type](bytes);
  if (!size || size.width < 1 || size.height < 1) return { ok: false, message: DAMAGED };
  const { width, height } = size;
  if (width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE || width * height > MAX_LOGO_PIXELS) {
    return {
      ok: false,
      message: `The image is ${width}×${height} pixels; a logo may be at most ${MAX_LOGO_SIDE} pixels a side and ${MAX_LOGO_PIXELS / 1_000_000} megapixels. Save a smaller copy and retry.`
    };
  }
  return { ok: true, type, width, height };
}

type Size = { width: number; height: number } | null;

/** IHDR first, then chunks that fit the file up to IEND, with at least one IDAT. */
function pngSize(bytes: Uint8Array): Size {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || view.getUint32(8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') return null;
  let at = 8;
  let idat = false;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (at + 12 + length > bytes.length) return null;
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') {
      return idat ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
    }
    at += 12 + length;
  }
  return null;
}

/** The frame header (SOFn) among the segments, and an end-of-image marker after the scan. */
function jpegSize(bytes: Uint8Array): Size {
  let at = 2;
  let size: Size = null;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame && length >= 7) {
      size = {
        height: (bytes[at + 5] << 8) | bytes[at + 6],
        width: (bytes[at + 7] << 8) | bytes[at + 8]
      };
    }
    if (marker === 0xda) {
      // Start of scan: the entropy-coded data runs to the end-of-image marker.
      return size && hasEndOfImage(bytes, at + 2 + length) ? size : null;
    }
    at += 2 + length;
  }
  return null;
}

function hasEndOfImage(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

/** RIFF's length covering the file, and the first chunk's canvas size (VP8, VP8L or VP8X). */
function webpSize(bytes: Uint8Array): Size {
  if (bytes.length < 30) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) + 8 > bytes.length) return null;
  const chunk = ascii(bytes, 12, 4);
  const u24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
  if (chunk === 'VP8X') return { width: u24(24) + 1, height: u24(27) + 1 };
  if (chunk === 'VP8 ') {
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return null;
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}
