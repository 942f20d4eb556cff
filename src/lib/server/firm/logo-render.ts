// Decodes a logo and draws its fixed sizes as PNG, in a child process. The decoder (Skia, through
// @napi-rs/canvas) crashes the whole process on some damaged files (a PNG with no image data, say):
// a worker thread would take the server down with it, a child process only itself. Re-encoding
// keeps the pixels and nothing else: no EXIF, no colour profile, no text chunks. The file has
// passed readLogoFacts first, so the decoder never allocates more than its header promised.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export class LogoDecodeError extends Error {
  name = 'LogoDecodeError';
}

/** A decode and three drawings take well under a second; a busy machine gets room. */
const RENDER_TIMEOUT_MS = 30_000;
/** The sizes' PNGs together: 256 × 1024 pixels at most, well under this. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

// Plain JavaScript evaluated by `node -e`, so the built server needs no extra file. It reads the
// image on stdin and writes a JSON line (the decoded size and each PNG's length), then the PNGs.
const CHILD = String.raw`
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const { Image, createCanvas } = await import(process.env.LOGO_CANVAS);
  const sizes = JSON.parse(process.env.LOGO_SIZES);
  const image = new Image();
  let failure = null;
  image.onerror = (e) => { failure = e; };
  image.src = Buffer.concat(chunks);
  await image.decode().catch((e) => { failure = failure || e; });
  if (failure || !image.width || !image.height) {
    process.stderr.write(String(failure && failure.message || 'no image'));
    process.exit(3);
  }
  const pngs = [];
  for (const s of sizes) {
    const canvas = createCanvas(s.width, s.height);
    const context = canvas.getContext('2d');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(image, 0, 0, s.width, s.height);
    pngs.push(await canvas.encode('png'));
  }
  const head = { width: image.width, height: image.height, lengths: pngs.map((p) => p.length) };
  process.stdout.write(JSON.stringify(head) + '\n');
  for (const p of pngs) process.stdout.write(p);
});
`;

let canvasUrl: string | undefined;
function canvasModule(): string {
  canvasUrl ??= pathToFileURL(createRequire(import.meta.url).resolve('@napi-rs/canvas')).href;
  return canvasUrl;
}

export interface DrawnLogo {
  /** The decoded image's pixel size. */
  width: number;
  height: number;
  /** One PNG per asked size, in order. */
  pngs: Uint8Array[];
}

/**
 * Decodes `bytes` and draws it at each size. Throws LogoDecodeError when the image cannot be
 * decoded (or the decoder crashed, or ran out of time).
 */
export function drawLogoSizes(
  bytes: Uint8Array,
  sizes: { width: number; height: number }[],
  timeoutMs = RENDER_TIMEOUT_MS
): Promise<DrawnLogo> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=64', '-e', CHILD], {
      // Nothing of the server's environment (database URLs, keys) goes to the decoder.
      env: { LOGO_CANVAS: canvasModule(), LOGO_SIZES: JSON.stringify(sizes) },
      stdio: ['pipe', 'pipe', 'pipe']
    });
    const out: Buffer[] = [];
    let received = 0;
    let stderr = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new LogoDecodeError(why));
    };
    const timer = setTimeout(() => fail('not decoded in time'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_OUTPUT_BYTES) return fail('too much output');
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {}); // the child may exit before reading it all
    child.on('error', (error) => fail(error.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      if (code !== 0) return fail(signal ? `decoder ended by ${signal}` : stderr || `exit ${code}`);
      try {
        settled = true;
        resolve(parseOutput(Buffer.concat(out), sizes.length));
      } catch (error) {
        reject(new LogoDecodeError((error as Error).message));
      }
    });
    child.stdin.end(bytes);
  });
}

function parseOutput(output: Buffer, count: number): DrawnLogo {
  const newline = output.indexOf(0x0a);
  if (newline < 0) throw new Error('no header from the decoder');
  const head = JSON.parse(output.subarray(0, newline).toString('utf8')) as {
    width: number;
    height: number;
    lengths: number[];
  };
  if (head.lengths.length !== count) throw new Error('wrong number of sizes');
  let at = newline + 1;
  const pngs = head.lengths.map((length) => {
    const png = new Uint8Array(output.subarray(at, at + length));
    at += length;
    return png;
  });
  if (at !== output.length) throw new Error('output does not add up');
  return { width: head.width, height: head.height, pngs };
}
