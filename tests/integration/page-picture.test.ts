import { createCanvas, loadImage } from '@napi-rs/canvas';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { previewKey, PREVIEW_WIDTHS } from '../../src/lib/server/pdf/preview';
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
import { documentsOf, postForm, staffWorld, uploadPdf } from '../support/firm';
import { appUrl, TestBrowser } from '../support/server';

async function setup() {
  const db = getDb();
  const { firm, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const { contact, user } = await createContact(db, client);
  const packet = await createPacket(db, client);
  const doc = await addDocument(db, packet, { bytes: await makePdf(3, 'Picture test'), pages: 3 });
  const browser = new TestBrowser();
  await signIn(browser, user.id, 'client');
  return { db, firm, staff, client, contact, packet, doc, browser };
}

const url = (id: string, width: number | string = 800) => `/api/files/${id}/page-1/${width}`;

async function fetchPicture(
  browser: TestBrowser,
  path: string,
  headers: Record<string, string> = {}
) {
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch((await appUrl()) + path, { headers: { ...headers, cookie } });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

/** Share of the picture's pixels that are ink (not white paper): a drawn page has some. */
async function inkShare(webp: Buffer) {
  const image = await loadImage(webp);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 128) ink++;
  return { width: image.width, height: image.height, ink: ink / (data.length / 4) };
}

describe('GET /api/files/[docId]/page-1/[width]', () => {
  it('draws page 1 as a WebP at each width, to the page’s shape, for a contact', async () => {
    const { browser, doc } = await setup();
    for (const width of PREVIEW_WIDTHS) {
      const { response, body } = await fetchPicture(browser, url(doc.id, width));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(response.headers.get('content-length')).toBe(String(body.byteLength));
      expect(body.subarray(0, 4).toString()).toBe('RIFF');
      expect(body.subarray(8, 12).toString()).toBe('WEBP');
      const picture = await inkShare(body);
      expect(picture.width).toBe(width);
      expect(picture.height).toBe(Math.round((width * 792) / 612));
      // A line of 18 pt text on white paper: some ink, mostly paper.
      expect(picture.ink).toBeGreaterThan(0.0005);
      expect(picture.ink).toBeLessThan(0.05);
    }
  });

  it('keeps what it drew in the blob store, and answers If-None-Match with 304', async () => {
    const { browser, doc } = await setup();
    const store = getBlobStore();
    expect(await store.exists(previewKey(doc.blobKey, 1200))).toBe(false);
    const first = await fetchPicture(browser, url(doc.id, 400));
    expect(first.response.status).toBe(200);
    for (const width of PREVIEW_WIDTHS) {
      expect(await store.exists(previewKey(doc.blobKey, width))).toBe(true);
    }
    const etag = first.response.headers.get('etag')!;
    expect(etag).toBe(`"${doc.sha256}-p1-400"`);
    const again = await fetchPicture(browser, url(doc.id, 400), { 'if-none-match': etag });
    expect(again.response.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
  });

  it('lets a member of the firm see a draft’s picture', async () => {
    const { db, client, staff } = await setup();
    const draft = await createPacket(db, client, { status: 'draft' });
    const doc = await addDocument(db, draft);
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    expect((await browser.get(url(doc.id))).status).toBe(200);
  });

  it('is the same 404 for anyone who may not read the PDF, other widths and bad ids', async () => {
    const { db, firm, client, contact, doc, browser } = await setup();
    expect((await new TestBrowser().get(url(doc.id))).status).toBe(404);

    const stranger = await createContact(db, await createClient(db, firm.id));
    const strangerBrowser = new TestBrowser();
    await signIn(strangerBrowser, stranger.user.id, 'client');
    expect((await strangerBrowser.get(url(doc.id))).status).toBe(404);

    const otherFirm = await createFirmWithStaff(db);
    const otherStaff = new TestBrowser();
    await signIn(otherStaff, otherFirm.staff.id, 'staff');
    expect((await otherStaff.get(url(doc.id))).status).toBe(404);

    const draft = await createPacket(db, client, { status: 'draft' });
    expect((await browser.get(url((await addDocument(db, draft)).id))).status).toBe(404);

    for (const width of [0, 401, 100000, 'x', '800.webp', '-800']) {
      expect((await browser.get(url(doc.id, width))).status, String(width)).toBe(404);
    }
    expect((await browser.get(url('not-a-uuid'))).status).toBe(404);
    expect((await browser.get(url(crypto.randomUUID()))).status).toBe(404);

    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, contact.id));
    expect((await browser.get(url(doc.id))).status).toBe(404);
    // Nothing was drawn for any of those.
    expect(await getBlobStore().exists(previewKey(doc.blobKey, 1200))).toBe(false);
  });

  it('is a 404 (the viewer then waits for pdf.js) when the PDF cannot be drawn', async () => {
    const { browser, doc } = await setup();
    await getBlobStore().delete(doc.blobKey);
    expect((await browser.get(url(doc.id))).status).toBe(404);
  });
});

describe('page 1 pictures of an upload', () => {
  it('records page 1’s size and draws its pictures in the background', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const response = await uploadPdf(browser, packet.id, 'Landscape.pdf', await landscapePdf());
    expect(response.status).toBe(201);
    const [doc] = await documentsOf(packet.id);
    expect([doc.pageWidth, doc.pageHeight]).toEqual([842, 595]);
    const store = getBlobStore();
    await expect
      .poll(() => store.exists(previewKey(doc.blobKey, 1200)), { timeout: 10_000 })
      .toBe(true);

    // Removing the draft document removes its pictures with it.
    const removed = await postForm(browser, `/firm/packets/${packet.id}?/removeDocument`, {
      documentId: doc.id
    });
    expect(removed.status).toBe(200);
    expect(await documentsOf(packet.id)).toEqual([]);
    for (const width of PREVIEW_WIDTHS) {
      expect(await store.exists(previewKey(doc.blobKey, width))).toBe(false);
    }
  });
});

async function landscapePdf() {
  const { PDFDocument } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  pdf.addPage([842, 595]);
  pdf.addPage([595, 842]);
  return pdf.save();
}
