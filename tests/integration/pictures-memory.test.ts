// Issue 17, item 3: a small PDF must not make the server draw (or check) it with gigabytes of
// memory. The app server and its PDF threads run in this process, so its RSS is what a host sees.
import { Worker } from 'node:worker_threads';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import { removePacketDocument } from '../../src/lib/server/packets/documents';
import { ensurePreviews, notDrawnKey, previewKey } from '../../src/lib/server/pdf/preview';
import { getBlobStore } from '../../src/lib/server/storage';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn
} from '../support/factories';
import { documentsOf, uploadPdf } from '../support/firm';
import { pdfOfZeroImages, pdfWithHugeXref } from '../support/hostile-pdfs';
import { TestBrowser } from '../support/server';

const MB = 1024 * 1024;
// Generous: a drawing may grow the process by 640 MB (a 600 dpi A4 scan takes 350-500 MB).
const BOUND_MB = 900;

async function setup() {
  const db = getDb();
  const { firm, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const { user } = await createContact(db, client);
  const packet = await createPacket(db, client);
  const reader = new TestBrowser();
  await signIn(reader, user.id, 'client');
  const firmBrowser = new TestBrowser();
  await signIn(firmBrowser, staff.id, 'staff');
  return { db, client, staff, packet, reader, firmBrowser };
}

const pictureUrl = (id: string, width = 800) => `/api/files/${id}/page-1/${width}`;

/** The most this process's RSS grew, in MB, while `work` ran (sampled every 10 ms). */
async function growthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMb: Math.round((peak - before) / MB) };
  } finally {
    clearInterval(sample);
  }
}

/** Counts the drawings any instance in this process hands to a PDF thread while `work` runs. */
async function drawingsDuring(work: () => Promise<unknown>): Promise<number> {
  const post = vi.spyOn(Worker.prototype, 'postMessage');
  try {
    await work();
    return post.mock.calls.filter(([m]) => (m as { op?: string } | null)?.op === 'draw').length;
  } finally {
    post.mockRestore();
  }
}

describe('drawing page 1 cannot take the server down', () => {
  it('draws a page holding an image the size of an A4 page scanned at 600 dpi (6000×6000)', async () => {
    const { db, packet, reader } = await setup();
    const doc = await addDocument(db, packet, { bytes: await pdfOfZeroImages(6000), pages: 1 });
    const { result, growthMb } = await growthDuring(() => reader.get(pictureUrl(doc.id)));
    console.info(`6000×6000 image: ${result.status}, RSS grew ${growthMb} MB`);
    expect(result.status).toBe(200);
    expect(growthMb).toBeLessThan(BOUND_MB);
  });

  it('leaves out an image of 100 megapixels (10000×10000) rather than decode it', async () => {
    const { db, packet, reader } = await setup();
    const doc = await addDocument(db, packet, { bytes: await pdfOfZeroImages(10000), pages: 1 });
    const { result, growthMb } = await growthDuring(() => reader.get(pictureUrl(doc.id)));
    console.info(`10000×10000 image: ${result.status}, RSS grew ${growthMb} MB`);
    // The page is drawn without it (pdf.js in the viewer draws the real page over the picture).
    expect(result.status).toBe(200);
    expect(growthMb).toBeLessThan(256);
  });

  it('ends a drawing that outgrows its memory; the reader gets no picture, and after a restart no instance draws it again', async () => {
    const { db, packet, reader } = await setup();
    // Six images each under the per-image cap: only the drawing's memory budget stops them.
    const bytes = await pdfOfZeroImages(6000, 6);
    const doc = await addDocument(db, packet, { bytes, pages: 1 });
    const { result, growthMb } = await growthDuring(() => reader.get(pictureUrl(doc.id)));
    console.info(`six 6000×6000 images: ${result.status}, RSS grew ${growthMb} MB`);
    // The viewer waits for pdf.js instead.
    expect(result.status).toBe(404);
    expect(growthMb).toBeLessThan(BOUND_MB);
    expect(await getBlobStore().exists(notDrawnKey(doc.blobKey))).toBe(true);

    // The server answers on, and draws the next document.
    const next = await addDocument(db, packet, { bytes: await makePdf(1, 'Next'), position: 1 });
    expect((await reader.get(pictureUrl(next.id))).status).toBe(200);
    expect((await reader.get('/api/healthz')).status).toBe(200);

    // This test's own copy of the module is another instance, or the app after a restart: its
    // memory is empty, the blob store's mark is not.
    const drawn = await drawingsDuring(async () => {
      expect(await ensurePreviews(doc.blobKey)).toBe(false);
      expect((await reader.get(pictureUrl(doc.id))).status).toBe(404);
    });
    expect(drawn).toBe(0);
  });

  it('removes the "could not draw" mark with the document', async () => {
    const { db, client, staff } = await setup();
    const draft = await createPacket(db, client, { status: 'draft' });
    const receipt = await PDFDocument.create();
    receipt.addPage([150, 1500]); // far longer than wide: never drawn
    const doc = await addDocument(db, draft, { bytes: await receipt.save(), pages: 1 });
    expect(await ensurePreviews(doc.blobKey)).toBe(false);
    const store = getBlobStore();
    expect(await store.exists(notDrawnKey(doc.blobKey))).toBe(true);
    expect(await removePacketDocument(db, draft, doc.id, staff.id)).toBe(true);
    expect(await store.exists(doc.blobKey)).toBe(false);
    expect(await store.exists(notDrawnKey(doc.blobKey))).toBe(false);
    expect(await store.exists(previewKey(doc.blobKey, 800))).toBe(false);
  });

  it('refuses an upload pdf.js would need gigabytes to open, naming the file, and takes the next', async () => {
    const { db, client, firmBrowser } = await setup();
    const packet = await createPacket(db, client, { status: 'draft' });
    const bomb = await pdfWithHugeXref(50_000_000);
    expect(bomb.byteLength).toBeLessThan(512 * 1024);
    const { result, growthMb } = await growthDuring(() =>
      uploadPdf(firmBrowser, packet.id, 'Huge index.pdf', bomb)
    );
    console.info(`50M-entry xref upload: ${result.status}, RSS grew ${growthMb} MB`);
    expect(result.status).toBe(400);
    expect(result.json<{ error: string }>().error).toMatch(
      /^"Huge index\.pdf" needs more memory to open than a document may use/
    );
    expect(growthMb).toBeLessThan(BOUND_MB);
    const next = await uploadPdf(firmBrowser, packet.id, 'Next.pdf', await makePdf(1));
    expect(next.status).toBe(201);
    expect((await documentsOf(packet.id)).map((d) => d.filename)).toEqual(['Next.pdf']);
  });
});
