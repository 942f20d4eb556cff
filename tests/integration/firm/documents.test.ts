import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/lib/format/bytes';
import { ensurePreviews } from '../../../src/lib/server/pdf/preview';
import { createPacket, makePdf } from '../../support/factories';
import { countBlobs, documentsOf, postForm, staffWorld, uploadPdf } from '../../support/firm';
import { addPacketDocument } from '../../../src/lib/server/packets/documents';

const fixture = (name: string) => new Uint8Array(readFileSync(`tests/fixtures/${name}`));

describe('PDF upload to a packet', () => {
  it('stores a valid PDF with its page count, size and position', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const first = await uploadPdf(browser, packet.id, 'Bank statements Q3.pdf', await makePdf(3));
    expect(first.status).toBe(201);
    expect(first.json<{ document: { pages: number } }>().document.pages).toBe(3);
    const second = await uploadPdf(browser, packet.id, 'P&L.pdf', await makePdf(1));
    expect(second.status).toBe(201);
    const docs = (await documentsOf(packet.id)).sort((a, b) => a.position - b.position);
    expect(docs.map((d) => [d.filename, d.pages, d.position])).toEqual([
      ['Bank statements Q3.pdf', 3, 0],
      ['P&L.pdf', 1, 1]
    ]);
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('Bank statements Q3.pdf');
    expect(page.text).toContain('3 pages');
  });

  it('lists each document with its size, page count and page 1 as the server-drawn picture', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const letter = await makePdf(3);
    await uploadPdf(browser, packet.id, 'Ledger.pdf', letter);
    // A till receipt: too long to draw; its tile falls back to a plain PDF tile in the browser.
    const receipt = await PDFDocument.create();
    receipt.addPage([100, 1000]);
    const receiptBytes = await receipt.save();
    await uploadPdf(browser, packet.id, 'Receipt.pdf', receiptBytes);
    const [ledger, till] = (await documentsOf(packet.id)).sort((a, b) => a.position - b.position);
    expect([ledger.pageWidth, ledger.pageHeight]).toEqual([612, 792]);

    const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
    const tileOf = (id: string) => {
      const img = new RegExp(`<img[^>]*src="/api/files/${id}/page-1/400"[^>]*>`).exec(html);
      expect(img, `a picture of page 1 for ${id}`).not.toBeNull();
      return img![0];
    };
    // Sized from page 1's recorded shape, so the list does not jump as pictures arrive.
    expect(tileOf(ledger.id)).toContain('width="400"');
    expect(tileOf(ledger.id)).toContain('height="518"');
    expect(tileOf(ledger.id)).toContain('alt="First page of Ledger"');
    expect(tileOf(ledger.id)).toContain('loading="lazy"');
    expect(tileOf(till.id)).toContain('height="4000"');
    const text = html.replace(/<[^>]+>/g, ' ').replace(/[^\S\u00a0]+/g, ' ');
    expect(text).toContain(`3 pages · ${formatBytes(letter.byteLength)}`);
    expect(text).toContain(`1 page · ${formatBytes(receiptBytes.byteLength)}`);

    // The pictures answer staff: the letter's as WebP, the receipt's a 404 (the tile's fallback).
    await ensurePreviews(ledger.blobKey);
    const picture = await browser.get(`/api/files/${ledger.id}/page-1/400`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/webp');
    expect((await browser.get(`/api/files/${till.id}/page-1/400`)).status).toBe(404);
  });

  const bad: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['receipt.pdf', async () => fixture('image-renamed.pdf'), /"receipt.pdf" is not a PDF/],
    [
      'cut-off.pdf',
      async () => {
        const pdf = await makePdf(3);
        return pdf.slice(0, Math.floor(pdf.length / 2));
      },
      /"cut-off.pdf" is damaged or incomplete/
    ],
    ['locked.pdf', async () => fixture('encrypted.pdf'), /"locked.pdf" is password-protected/],
    ['blank.pdf', async () => fixture('zero-pages.pdf'), /"blank.pdf" has no pages/],
    ['empty.pdf', async () => new Uint8Array(0), /"empty.pdf" is empty/]
  ];
  for (const [name, bytes, message] of bad) {
    it(`refuses ${name} with a message naming it and stores nothing`, async () => {
      const { db, browser, client } = await staffWorld();
      const packet = await createPacket(db, client, { status: 'draft' });
      const blobsBefore = countBlobs();
      const response = await uploadPdf(browser, packet.id, name, await bytes());
      expect(response.status).toBe(400);
      expect(response.json<{ error: string }>().error).toMatch(message);
      expect(await documentsOf(packet.id)).toEqual([]);
      expect(countBlobs()).toBe(blobsBefore);
    });
  }

  it('refuses a file over the size limit and stores nothing', async () => {
    const { db, client, staff } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const bytes = await makePdf(2);
    const blobsBefore = countBlobs();
    const result = await addPacketDocument(db, {
      packet,
      filename: 'huge.pdf',
      bytes,
      maxBytes: bytes.length - 1,
      actorId: staff.id
    });
    expect(result).toMatchObject({ ok: false, status: 413 });
    expect(!result.ok && result.reason).toMatch(/"huge.pdf" is .* the limit is/);
    expect(await documentsOf(packet.id)).toEqual([]);
    expect(countBlobs()).toBe(blobsBefore);
  });

  it('refuses a body that is not sent as a PDF, and a cross-site upload', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const pdf = await makePdf(1);
    const wrongType = await browser.request('POST', `/firm/packets/${packet.id}/documents`, {
      body: new Blob([pdf as Uint8Array<ArrayBuffer>]),
      headers: { 'content-type': 'application/json', 'x-filename': 'a.pdf' }
    });
    expect(wrongType.status).toBe(415);
    const crossSite = await browser.request('POST', `/firm/packets/${packet.id}/documents`, {
      body: new Blob([pdf as Uint8Array<ArrayBuffer>]),
      headers: { 'content-type': 'application/pdf', origin: 'https://evil.example' }
    });
    expect(crossSite.status).toBe(403);
    expect(await documentsOf(packet.id)).toEqual([]);
  });

  it('reorders and removes draft documents (the blob goes too)', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await uploadPdf(browser, packet.id, 'one.pdf', await makePdf(1));
    await uploadPdf(browser, packet.id, 'two.pdf', await makePdf(1));
    const docs = (await documentsOf(packet.id)).sort((a, b) => a.position - b.position);
    const moved = await postForm(browser, `/firm/packets/${packet.id}?/moveDocument`, {
      documentId: docs[1].id,
      direction: 'up'
    });
    expect(moved.status).toBe(200);
    const order = (await documentsOf(packet.id)).sort((a, b) => a.position - b.position);
    expect(order.map((d) => d.filename)).toEqual(['two.pdf', 'one.pdf']);
    const blobs = countBlobs();
    const removed = await postForm(browser, `/firm/packets/${packet.id}?/removeDocument`, {
      documentId: docs[0].id
    });
    expect(removed.status).toBe(200);
    expect((await documentsOf(packet.id)).map((d) => d.filename)).toEqual(['two.pdf']);
    expect(countBlobs()).toBe(blobs - 1);
  });
});
