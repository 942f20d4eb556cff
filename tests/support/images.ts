// Logo test images: real ones drawn with @napi-rs/canvas, and hostile ones built byte by byte.
import { deflateSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';

/** A real image: a coloured block with a lighter bar, `width`×`height`, in the given format. */
export function drawnImage(
  type: 'png' | 'jpeg' | 'webp',
  width = 300,
  height = 100,
  colour = '#1f6f5c'
): Uint8Array {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = colour;
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#ffffff';
  context.fillRect(width / 10, height / 3, (width * 8) / 10, height / 3);
  const mime = `image/${type}` as 'image/png';
  return new Uint8Array(canvas.toBuffer(mime));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A valid-looking PNG claiming `width`×`height` (8-bit greyscale) whose IDAT is a few bytes of
 * deflate: a decoder trusting the header would allocate width × height pixels. Tens of bytes.
 */
export function pngBomb(width = 30_000, height = 30_000, withData = true): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter, no interlace
  // One row of zeros: the rest is missing, as a bomb's would compress to nearly nothing.
  const idat = deflateSync(new Uint8Array(width + 1));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(withData ? [chunk('IDAT', new Uint8Array(idat))] : []),
    chunk('IEND', new Uint8Array())
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const SVG_LOGO = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
);

/** A marker a test can look for: it must not survive into a stored logo. */
export const METADATA_MARKER = 'SHEAF-SECRET-GPS-51.5072N';

/**
 * A real PNG carrying metadata a camera or editor leaves: text (tEXt, iTXt), EXIF (eXIf) and a
 * colour profile (iCCP), each holding METADATA_MARKER, before its image data.
 */
export function pngWithMetadata(width = 300, height = 100): Uint8Array {
  const png = drawnImage('png', width, height);
  const headerEnd = 8 + 12 + 13; // signature, then the IHDR chunk
  const text = (s: string) => new TextEncoder().encode(s);
  const extra = [
    chunk('tEXt', text(`Author\0${METADATA_MARKER}`)),
    chunk('iTXt', text(`Comment\0\0\0\0\0${METADATA_MARKER}`)),
    chunk('eXIf', text(`MM\0*\0\0\0\x08${METADATA_MARKER}`)),
    chunk('iCCP', new Uint8Array([...text('icc\0\0'), ...deflateSync(text(METADATA_MARKER))]))
  ];
  const out = new Uint8Array(png.length + extra.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, headerEnd));
  let at = headerEnd;
  for (const c of extra) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(headerEnd), at);
  return out;
}

/** A real JPEG with an EXIF (APP1) and a comment (COM) segment holding METADATA_MARKER. */
export function jpegWithMetadata(width = 300, height = 100): Uint8Array {
  const jpeg = drawnImage('jpeg', width, height);
  const segment = (marker: number, body: Uint8Array) => {
    const out = new Uint8Array(4 + body.length);
    out.set([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
    out.set(body, 4);
    return out;
  };
  const text = (s: string) => new TextEncoder().encode(s);
  const exif = segment(0xe1, text(`Exif\0\0MM\0*\0\0\0\x08${METADATA_MARKER}`));
  const comment = segment(0xfe, text(METADATA_MARKER));
  const out = new Uint8Array(jpeg.length + exif.length + comment.length);
  out.set(jpeg.subarray(0, 2)); // SOI
  out.set(exif, 2);
  out.set(comment, 2 + exif.length);
  out.set(jpeg.subarray(2), 2 + exif.length + comment.length);
  return out;
}
