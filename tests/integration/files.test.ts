import { createCanvas, loadImage } from '@napi-rs/canvas';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { ensurePreviews, previewKey, PREVIEW_WIDTHS } from '../../src/lib/server/pdf/preview';
import { removePacketDocument } from '../../src/lib/server/packets/documents';
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
import { TestBrowser } from '../support/server';

async function setup() {
  const db = getDb();
  const { firm, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const { contact, user } = await createContact(db, client);
  const packet = await createPacket(db, client);
  const bytes = await makePdf(3, 'Range test');
  const doc = await addDocument(db, packet, { pages: 3, bytes, filename: 'Relevé "août".pdf' });
  const browser = new TestBrowser();
  await signIn(browser, user.id, 'client');
  return { db, firm, staff, client, contact, packet, doc, bytes, browser };
}

const url = (id: string) => `/api/files/${id}`;
const pictureUrl = (id: string, width: number | string = 800) => `/api/files/${id}/page-1/${width}`;
/** Neither the PDF nor its page-1 picture, and the same 404 as a made-up id. */
async function expectNotFound(browser: TestBrowser, id: string) {
  expect((await browser.get(url(id))).status, url(id)).toBe(404);
  expect((await browser.get(pictureUrl(id))).status, pictureUrl(id)).toBe(404);
}
const bytesOf = async (browser: TestBrowser, path: string, headers: Record<string, string>) => {
  const { appUrl } = await import('../support/server');
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch((await appUrl()) + path, { headers: { ...headers, cookie } });
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
};

describe('GET /api/files/[docId]', () => {
  it('serves the PDF to a contact with safe headers', async () => {
    const { browser, doc, bytes } = await setup();
    const { response, body } = await bytesOf(browser, url(doc.id), {});
    expect(response.status).toBe(200);
    expect(body).toEqual(bytes);
    const h = response.headers;
    expect(h.get('content-type')).toBe('application/pdf');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-security-policy')).toBe('sandbox');
    expect(h.get('cache-control')).toContain('private');
    expect(h.get('accept-ranges')).toBe('bytes');
    expect(h.get('etag')).toBe(`"${doc.sha256}"`);
    expect(h.get('content-length')).toBe(String(bytes.byteLength));
    expect(h.get('content-disposition')).toBe(
      `inline; filename="Relev_ _ao_t_.pdf"; filename*=UTF-8''Relev%C3%A9%20%22ao%C3%BBt%22.pdf`
    );
    const download = await browser.get(`${url(doc.id)}?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('lets a member of the firm read it, even in a draft', async () => {
    const { db, client, staff } = await setup();
    const draft = await createPacket(db, client, { status: 'draft' });
    const doc = await addDocument(db, draft);
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    expect((await browser.get(url(doc.id))).status).toBe(200);
  });

  it('is a 404, for the PDF and its page-1 picture, for anyone else, drafts, removed documents, expired guests and bad ids', async () => {
    const { db, firm, client, contact, doc, browser } = await setup();
    // The pictures exist (a 404 is the access check, not a missing file).
    expect(await ensurePreviews(doc.blobKey)).toBe(true);
    await expectNotFound(new TestBrowser(), doc.id);

    const stranger = await createContact(db, await createClient(db, firm.id));
    const strangerBrowser = new TestBrowser();
    await signIn(strangerBrowser, stranger.user.id, 'client');
    await expectNotFound(strangerBrowser, doc.id);

    const otherFirm = await createFirmWithStaff(db);
    const otherStaff = new TestBrowser();
    await signIn(otherStaff, otherFirm.staff.id, 'staff');
    await expectNotFound(otherStaff, doc.id);

    const draft = await createPacket(db, client, { status: 'draft' });
    const draftDoc = await addDocument(db, draft);
    expect(await ensurePreviews(draftDoc.blobKey)).toBe(true);
    await expectNotFound(browser, draftDoc.id);

    const [packet] = await db.select().from(s.packet).where(eq(s.packet.id, doc.packetId));
    const removed = await addDocument(db, packet);
    expect(await ensurePreviews(removed.blobKey)).toBe(true);
    await db
      .update(s.document)
      .set({ removedAt: new Date(), removedVersion: packet.version })
      .where(eq(s.document.id, removed.id));
    await expectNotFound(browser, removed.id);

    await expectNotFound(browser, 'not-a-uuid');
    await expectNotFound(browser, crypto.randomUUID());

    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, contact.id));
    await expectNotFound(browser, doc.id);
  });

  it('answers byte ranges with 206 and Content-Range', async () => {
    const { browser, doc, bytes } = await setup();
    const size = bytes.byteLength;
    const first = await bytesOf(browser, url(doc.id), { range: 'bytes=0-99' });
    expect(first.response.status).toBe(206);
    expect(first.response.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
    expect(first.response.headers.get('content-length')).toBe('100');
    expect(first.body).toEqual(bytes.slice(0, 100));

    const tail = await bytesOf(browser, url(doc.id), { range: 'bytes=-10' });
    expect(tail.response.status).toBe(206);
    expect(tail.body).toEqual(bytes.slice(size - 10));

    const open = await bytesOf(browser, url(doc.id), { range: `bytes=${size - 5}-` });
    expect(open.response.headers.get('content-range')).toBe(
      `bytes ${size - 5}-${size - 1}/${size}`
    );
    expect(open.body).toEqual(bytes.slice(size - 5));

    const past = await bytesOf(browser, url(doc.id), { range: `bytes=${size - 5}-${size + 500}` });
    expect(past.response.status).toBe(206);
    expect(past.body).toEqual(bytes.slice(size - 5));
  });

  it('refuses unsatisfiable ranges with 416 and ignores ones it does not understand', async () => {
    const { browser, doc, bytes } = await setup();
    const size = bytes.byteLength;
    const beyond = await browser.get(url(doc.id), { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    expect((await browser.get(url(doc.id), { range: 'bytes=-0' })).status).toBe(416);

    for (const range of ['bytes=0-1,5-9', 'lines=1-2', 'bytes=9-3', 'bytes=abc']) {
      const whole = await bytesOf(browser, url(doc.id), { range });
      expect(whole.response.status).toBe(200);
      expect(whole.body.byteLength).toBe(size);
    }
  });

  it('honours If-None-Match with 304 and If-Range only while the ETag matches', async () => {
    const { browser, doc } = await setup();
    const etag = `"${doc.sha256}"`;
    const cached = await browser.get(url(doc.id), { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect(cached.text).toBe('');
    expect((await browser.get(url(doc.id), { 'if-none-match': '"other"' })).status).toBe(200);

    const same = await browser.get(url(doc.id), { range: 'bytes=0-9', 'if-range': etag });
    expect(same.status).toBe(206);
    const changed = await browser.get(url(doc.id), { range: 'bytes=0-9', 'if-range': '"old"' });
    expect(changed.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const { browser, doc, bytes } = await setup();
    const head = await browser.request('HEAD', url(doc.id));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(head.headers.get('etag')).toBe(`"${doc.sha256}"`);
    const ranged = await browser.request('HEAD', url(doc.id), { headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-length')).toBe('10');
    expect((await new TestBrowser().request('HEAD', url(doc.id))).status).toBe(404);
  });
});

describe('GET /firm/packets/[id]/documents/[docId] (staff)', () => {
  it('sends the PDF with the same private, revalidated headers as /api/files', async () => {
    const { packet, doc, staff } = await setup();
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const staffPath = `/firm/packets/${packet.id}/documents/${doc.id}`;
    const [mine, theirs] = await Promise.all([browser.get(staffPath), browser.get(url(doc.id))]);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('private, no-cache');
    for (const name of [
      'cache-control',
      'content-type',
      'x-content-type-options',
      'content-security-policy',
      'content-disposition',
      'etag'
    ]) {
      expect(mine.headers.get(name), name).toBe(theirs.headers.get(name));
    }
    const cached = await browser.get(staffPath, { 'if-none-match': `"${doc.sha256}"` });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
  });
});

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
      const { response, body } = await bytesOf(browser, pictureUrl(doc.id, width), {});
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(response.headers.get('content-length')).toBe(String(body.byteLength));
      expect(Buffer.from(body.subarray(0, 4)).toString()).toBe('RIFF');
      expect(Buffer.from(body.subarray(8, 12)).toString()).toBe('WEBP');
      const picture = await inkShare(Buffer.from(body));
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
    const first = await bytesOf(browser, pictureUrl(doc.id, 400), {});
    expect(first.response.status).toBe(200);
    for (const width of PREVIEW_WIDTHS) {
      expect(await store.exists(previewKey(doc.blobKey, width))).toBe(true);
    }
    const etag = first.response.headers.get('etag')!;
    expect(etag).toBe(`"${doc.sha256}-p1-400"`);
    const again = await bytesOf(browser, pictureUrl(doc.id, 400), { 'if-none-match': etag });
    expect(again.response.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
  });

  it('lets a member of the firm see a draft’s picture', async () => {
    const { db, client, staff } = await setup();
    const draft = await createPacket(db, client, { status: 'draft' });
    const doc = await addDocument(db, draft);
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    expect((await browser.get(pictureUrl(doc.id))).status).toBe(200);
  });

  it('is a 404 for a width it does not draw', async () => {
    const { browser, doc } = await setup();
    for (const width of [0, 401, 100000, 'x', '800.webp', '-800']) {
      expect((await browser.get(pictureUrl(doc.id, width))).status, String(width)).toBe(404);
    }
  });

  it('draws no picture of a page far longer than wide (the viewer waits for pdf.js)', async () => {
    const { db, packet, browser } = await setup();
    const { PDFDocument } = await import('pdf-lib');
    const receipt = await PDFDocument.create();
    receipt.addPage([200, 2000]);
    const doc = await addDocument(db, packet, { bytes: await receipt.save(), pages: 1 });
    for (let i = 0; i < 2; i++) {
      expect((await browser.get(pictureUrl(doc.id))).status).toBe(404);
    }
    for (const width of PREVIEW_WIDTHS) {
      expect(await getBlobStore().exists(previewKey(doc.blobKey, width))).toBe(false);
    }
    // The PDF itself is served as ever.
    expect((await browser.get(url(doc.id))).status).toBe(200);
  });

  it('leaves no pictures behind when the document is removed while they are drawn', async () => {
    const { db, client, staff } = await setup();
    const draft = await createPacket(db, client, { status: 'draft' });
    const doc = await addDocument(db, draft, { bytes: await makePdf(2, 'Removed soon') });
    const drawing = ensurePreviews(doc.blobKey);
    expect(await removePacketDocument(db, draft, doc.id, staff.id)).toBe(true);
    await drawing;
    for (const width of PREVIEW_WIDTHS) {
      expect(await getBlobStore().exists(previewKey(doc.blobKey, width))).toBe(false);
    }
  });

  it('is a 404 (the viewer then waits for pdf.js) when the PDF cannot be drawn', async () => {
    const { browser, doc } = await setup();
    await getBlobStore().delete(doc.blobKey);
    expect((await browser.get(pictureUrl(doc.id))).status).toBe(404);
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
