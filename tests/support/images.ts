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
