import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn
} from '../support/factories';
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

  it('is a 404 for anyone else, drafts, removed documents, expired guests and bad ids', async () => {
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
    const draftDoc = await addDocument(db, draft);
    expect((await browser.get(url(draftDoc.id))).status).toBe(404);

    const [packet] = await db.select().from(s.packet).where(eq(s.packet.id, doc.packetId));
    const removed = await addDocument(db, packet);
    await db.update(s.document).set({ removedAt: new Date() }).where(eq(s.document.id, removed.id));
    expect((await browser.get(url(removed.id))).status).toBe(404);

    expect((await browser.get(url('not-a-uuid'))).status).toBe(404);
    expect((await browser.get(url(crypto.randomUUID()))).status).toBe(404);

    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, contact.id));
    expect((await browser.get(url(doc.id))).status).toBe(404);
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
