import { readFileSync } from 'node:fs';
import { degrees, PDFDocument } from 'pdf-lib';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { drawPage1, readPdfFacts, stopPdfThread, THREAD_STOPPED } from './pdf-thread';
import { validatePdf } from './validate';
import { pdfWithHugeXref } from '../../../../tests/support/hostile-pdfs';

afterAll(() => stopPdfThread());

const fixture = (name: string) => new Uint8Array(readFileSync(`tests/fixtures/${name}`));
const LIMIT = 50 * 1024 * 1024;

async function pdf(pages: number) {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage();
  return doc.save();
}

describe('validatePdf', () => {
  it('accepts a PDF, counts its pages and measures page 1', async () => {
    expect(await validatePdf(await pdf(3), 'ok.pdf', LIMIT)).toEqual({
      ok: true,
      pages: 3,
      size: { width: 595.28, height: 841.89 }
    });
  });

  it('measures page 1 as it is shown: a landscape or rotated page is wider than tall', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([612, 792]).setRotation(degrees(90));
    doc.addPage([612, 792]);
    const check = await validatePdf(await doc.save(), 'turned.pdf', LIMIT);
    expect(check).toEqual({ ok: true, pages: 2, size: { width: 792, height: 612 } });
  });

  it('names the file in every refusal', async () => {
    const good = await pdf(2);
    const cases: [Uint8Array, RegExp][] = [
      [fixture('image-renamed.pdf'), /^"f.pdf" is not a PDF/],
      [good.slice(0, good.length / 2), /^"f.pdf" is damaged or incomplete/],
      [fixture('encrypted.pdf'), /^"f.pdf" is password-protected/],
      [fixture('zero-pages.pdf'), /^"f.pdf" has no pages/],
      [new Uint8Array(0), /^"f.pdf" is empty/]
    ];
    for (const [bytes, reason] of cases) {
      const result = await validatePdf(bytes, 'f.pdf', LIMIT);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(reason);
    }
  });

  it('gives up on a file pdf.js cannot open in time, and opens the next one', async () => {
    const slow = await pdf(3000);
    const result = await validatePdf(slow, 'slow.pdf', LIMIT, { timeoutMs: 1 });
    expect(!result.ok && result.reason).toBe(
      '"slow.pdf" took too long to open (over 0.001 s); it may be damaged. Export it again.'
    );
    expect(await validatePdf(await pdf(1), 'next.pdf', LIMIT)).toMatchObject({ ok: true });
  });

  it('refuses a file pdf.js would need gigabytes to open, naming it, and opens the next one', async () => {
    const result = await validatePdf(await pdfWithHugeXref(50_000_000), 'index.pdf', LIMIT);
    expect(!result.ok && result.reason).toBe(
      '"index.pdf" needs more memory to open than a document may use; it may be damaged. Export it again.'
    );
    expect(await validatePdf(await pdf(1), 'next.pdf', LIMIT)).toMatchObject({ ok: true });
  }, 60_000);

  it('is not refused because another check overran and ended the thread under it', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const big = await pdf(3000);
      await validatePdf(await pdf(1), 'warm.pdf', LIMIT); // the thread is up
      const overrun = readPdfFacts(big, 20).catch((e: Error) => e.message);
      const check = await validatePdf(big, 'big.pdf', LIMIT);
      expect(await overrun).toBe('not opened within 0.02 s');
      expect(terminate).toHaveBeenCalledTimes(1);
      expect(check).toMatchObject({ ok: true, pages: 3000 });
    } finally {
      terminate.mockRestore();
    }
  });

  it('is not held up or ended by a drawing that overruns: drawings have a thread of their own', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const post = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const big = await pdf(3000);
      const overrun = drawPage1(big, [1200], 20).catch((e: Error) => e.message);
      const check = await validatePdf(big, 'big.pdf', LIMIT);
      expect(await overrun).toBe('not drawn within 0.02 s');
      expect(terminate).toHaveBeenCalledTimes(1);
      expect(check).toMatchObject({ ok: true, pages: 3000 });
      // Checked once: the drawing's end did not cut the check short.
      const checks = post.mock.calls.filter(([m]) => (m as { op: string }).op === 'check');
      expect(checks).toHaveLength(1);
    } finally {
      terminate.mockRestore();
      post.mockRestore();
    }
  });

  it('fails, without blaming the file, when the app stops the thread during a check', async () => {
    const post = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const big = await pdf(3000);
      const checking = validatePdf(big, 'big.pdf', LIMIT);
      // Stopped once the check is in the thread's hands (opening 3,000 pages takes a while).
      const posted = () => post.mock.calls.some(([m]) => (m as { op: string }).op === 'check');
      await vi.waitFor(() => expect(posted()).toBe(true));
      await stopPdfThread();
      await expect(checking).rejects.toMatchObject({ name: THREAD_STOPPED });
    } finally {
      post.mockRestore();
    }
    // A later upload starts the thread again.
    expect(await validatePdf(await pdf(1), 'after.pdf', LIMIT)).toMatchObject({ ok: true });
  });

  it('refuses a file over the limit before parsing it', async () => {
    const result = await validatePdf(await pdf(1), 'big.pdf', 100);
    expect(!result.ok && result.reason).toMatch(
      /^"big.pdf" is \d+\u00a0B; the limit is 100\u00a0B per file\.$/
    );
  });
});
