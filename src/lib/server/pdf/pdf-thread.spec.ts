import { loadImage } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pdfOfZeroImages, pdfWithHugeXref } from '../../../../tests/support/hostile-pdfs';
import { drawPage1, readPdfFacts, stopPdfThread, THREAD_OVER_MEMORY } from './pdf-thread';

async function pdf(width: number, height: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([width, height]);
  page.drawText('Harbour Bakery Ltd', {
    x: 40,
    y: height - 60,
    size: 18,
    font: await doc.embedFont(StandardFonts.Helvetica)
  });
  return doc.save();
}

afterAll(() => stopPdfThread());

describe('drawPage1 (on its own thread)', () => {
  it('draws page 1 at each width asked for, as WebP, in that order', async () => {
    const pictures = await drawPage1(await pdf(595, 842), [400, 800], 30_000);
    expect(pictures).toHaveLength(2);
    for (const [i, width] of [400, 800].entries()) {
      expect(Buffer.from(pictures[i].subarray(0, 4)).toString()).toBe('RIFF');
      expect(Buffer.from(pictures[i].subarray(8, 12)).toString()).toBe('WEBP');
      const image = await loadImage(Buffer.from(pictures[i]));
      expect(image.width).toBe(width);
      expect(image.height).toBe(Math.round((width * 842) / 595));
    }
  });

  it('says why a PDF cannot be drawn, and draws the next one', async () => {
    await expect(drawPage1(new TextEncoder().encode('not a pdf'), [400], 30_000)).rejects.toThrow(
      /PDF/i
    );
    await expect(drawPage1(await pdf(150, 1500), [400], 30_000)).rejects.toThrow(
      'page 1 is 150×1500 pt'
    );
    expect(await drawPage1(await pdf(612, 792), [400], 30_000)).toHaveLength(1);
  });

  it('ends a drawing that overruns its time with its thread; the next drawing starts a new one', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const bytes = await pdf(595, 842);
      await drawPage1(bytes, [400], 30_000); // the thread is up
      await expect(drawPage1(bytes, [1200], 1)).rejects.toThrow('not drawn within 0.001 s');
      expect(terminate).toHaveBeenCalledTimes(1);
      await expect(drawPage1(bytes, [400], 0)).rejects.toThrow('no time left');
      const [picture] = await drawPage1(bytes, [400], 30_000);
      expect((await loadImage(Buffer.from(picture))).width).toBe(400);
      expect(terminate).toHaveBeenCalledTimes(1);
    } finally {
      terminate.mockRestore();
    }
  });

  it('ends its thread after a minute with nothing to draw', async () => {
    const bytes = await pdf(595, 842);
    await drawPage1(bytes, [400], 30_000);
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const drawn = drawPage1(bytes, [400], 30_000);
      vi.advanceTimersByTime(29_000); // busy (within its 30 s): the idle clock has not started
      expect(terminate).not.toHaveBeenCalled();
      await drawn;
      vi.advanceTimersByTime(59_000);
      expect(terminate).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1_000);
      expect(terminate).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
      terminate.mockRestore();
    }
    // Asked for again, it starts afresh.
    expect(await drawPage1(bytes, [400], 30_000)).toHaveLength(1);
  });

  it("hands the PDF's bytes over when asked to, and copies them otherwise", async () => {
    const bytes = await pdf(595, 842);
    const size = bytes.byteLength;
    await drawPage1(bytes, [400], 30_000);
    expect(bytes.byteLength).toBe(size);
    await drawPage1(bytes, [400], 30_000, { transfer: true });
    expect(bytes.byteLength).toBe(0);
  });

  it('draws several documents asked for at once, each its own', async () => {
    const sizes = [
      [595, 842],
      [612, 792],
      [842, 595]
    ] as const;
    const all = await Promise.all(
      sizes.map(async ([w, h]) => drawPage1(await pdf(w, h), [400], 30_000))
    );
    for (const [i, [w, h]] of sizes.entries()) {
      const image = await loadImage(Buffer.from(all[i][0]));
      expect(image.height).toBe(Math.round((400 * h) / w));
    }
  });

  it('ends a drawing that outgrows its memory with its thread; the next drawing starts a new one', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      // Six 36-megapixel images, each under pdf.js's per-image cap: several GB together.
      const drawing = drawPage1(await pdfOfZeroImages(6000, 6), [400], 60_000);
      await expect(drawing).rejects.toMatchObject({ name: THREAD_OVER_MEMORY });
      expect(terminate).toHaveBeenCalledTimes(1);
      expect(await drawPage1(await pdf(595, 842), [400], 30_000)).toHaveLength(1);
    } finally {
      terminate.mockRestore();
    }
  }, 60_000);

  it('leaves out an image over 40 megapixels instead of decoding it', async () => {
    const [picture] = await drawPage1(await pdfOfZeroImages(10000), [400], 30_000);
    // White paper: the image of zeros (black) was not drawn.
    const image = await loadImage(Buffer.from(picture));
    expect(image.width).toBe(400);
    const { createCanvas } = await import('@napi-rs/canvas');
    const canvas = createCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    expect([...context.getImageData(200, 280, 1, 1).data]).toEqual([255, 255, 255, 255]);
  }, 60_000);
});

describe('readPdfFacts (on its own thread)', () => {
  it('ends a check that outgrows its heap with its thread; the next check starts a new one', async () => {
    // A cross-reference stream of 50 million entries: pdf.js makes a record of each.
    const check = readPdfFacts(await pdfWithHugeXref(50_000_000), 60_000);
    await expect(check).rejects.toMatchObject({ name: THREAD_OVER_MEMORY });
    expect(await readPdfFacts(await pdf(595, 842), 30_000)).toEqual({
      pages: 1,
      width: 595,
      height: 842
    });
  }, 60_000);
});
