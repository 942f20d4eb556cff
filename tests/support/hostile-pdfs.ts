// PDFs built to make pdf.js ask for far more memory than their size: a page of huge images of
// zeros, and a cross-reference stream of millions of entries. Deflated zeros shrink about a
// thousandfold, so each is a few hundred KB at most, and none is ever held inflated here.
import { createDeflate } from 'node:zlib';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState
} from 'pdf-lib';

/** `prefix` then `zeros` zero bytes, deflated (FlateDecode) a megabyte at a time. */
async function deflateZeros(zeros: number, prefix = new Uint8Array(0)): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  deflate.write(prefix);
  const chunk = Buffer.alloc(1 << 20);
  for (let left = zeros; left > 0; left -= chunk.length) {
    if (!deflate.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) {
      await new Promise((resolve) => deflate.once('drain', resolve));
    }
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/**
 * An A4 page covered by `count` distinct `side`×`side` 8-bit grey Flate images of zeros (each its
 * own object, so pdf.js decodes every one). 6000 → 36 megapixels, 34 KB.
 */
export async function pdfOfZeroImages(side: number, count = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const data = await deflateZeros(side * side);
  const ops = [];
  for (let i = 0; i < count; i++) {
    const image = doc.context.stream(data, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: side,
      Height: side,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 8,
      Filter: 'FlateDecode'
    });
    page.node.setXObject(PDFName.of(`Im${i}`), doc.context.register(image));
    ops.push(
      pushGraphicsState(),
      concatTransformationMatrix(595, 0, 0, 842, 0, 0),
      drawObject(`Im${i}`),
      popGraphicsState()
    );
  }
  page.pushOperators(...ops);
  return doc.save();
}

/**
 * A valid one-page PDF whose cross-reference stream lists `entries` objects (all but five of them
 * free): pdf.js builds one record per entry on opening it. 50 million → 330 KB.
 */
export async function pdfWithHugeXref(entries: number): Promise<Uint8Array> {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'
  ];
  let body = '%PDF-1.5\n';
  const offsets: number[] = [];
  for (const [i, object] of objects.entries()) {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xrefAt = body.length;
  // /W [1 4 2]: type, offset, generation.
  const row = (type: number, offset: number, generation: number) => {
    const bytes = Buffer.alloc(7);
    bytes[0] = type;
    bytes.writeUInt32BE(offset, 1);
    bytes.writeUInt16BE(generation, 5);
    return bytes;
  };
  const rows = [row(0, 0, 65535), ...offsets.map((o) => row(1, o, 0)), row(1, xrefAt, 0)];
  const data = await deflateZeros((entries - rows.length) * 7, Buffer.concat(rows));
  const head =
    `${objects.length + 1} 0 obj\n<< /Type /XRef /Size ${entries} /W [1 4 2] /Root 1 0 R ` +
    `/Filter /FlateDecode /Length ${data.length} >>\nstream\n`;
  const tail = `\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(
    Buffer.concat([Buffer.from(body + head, 'latin1'), data, Buffer.from(tail, 'latin1')])
  );
}
