import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
