// Issue 21, "Sign-off certificate" and "Verification": a PDF per approved version naming every
// document with its SHA-256 and each approval's evidence, the same bytes on every download, for
// the firm's staff and the contacts who approved it; and a check that says whether a file is a
// certificate the firm issued and whether its documents still match.
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { certificateVerify } from '../../../scripts/commands/certificate-verify';
import { getConfig } from '../../../src/lib/server/config';
import { getDatabase, getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { fileSha256 } from '../../../src/lib/server/storage/sha256';
import { loadCertificateData } from '../../../src/lib/server/certificates/certificate-data';
import { renderCertificate } from '../../../src/lib/server/certificates/render';
import { getBlobStore } from '../../../src/lib/server/storage';
import {
  addDocument,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn
} from '../../support/factories';
import { staffWorld, uploadPdf } from '../../support/firm';
import { textOf } from '../../support/html';
import { appUrl, TestBrowser } from '../../support/server';

/** A GET whose body is kept as bytes (TestBrowser reads text). */
async function download(browser: TestBrowser, pathname: string) {
  const response = await fetch((await appUrl()) + pathname, {
    redirect: 'manual',
    headers: {
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'user-agent': browser.userAgent,
      'x-forwarded-for': browser.ip,
      'x-forwarded-proto': 'http'
    }
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer())
  };
}

async function pdfText(bytes: Uint8Array) {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const items: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    items.push(...content.items.map((i) => ('str' in i ? i.str : '')));
  }
  return { items, text: items.join(' ') };
}

/** Posts a file to the verify page as a browser would (multipart). */
function verifyPage(browser: TestBrowser, bytes: Uint8Array, name = 'certificate.pdf') {
  const body = new FormData();
  body.set('certificate', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  return browser.request('POST', '/firm/certificates/verify', {
    body,
    headers: { accept: 'text/html' }
  });
}

async function runVerify(file: string) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = await certificateVerify.run({
    args: [file],
    config: getConfig(),
    database: getDatabase()
  });
  const said = log.mock.calls.map((c) => String(c[0])).join('\n');
  log.mockRestore();
  return { code, said };
}

function fileWith(bytes: Uint8Array) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cert-')), 'certificate.pdf');
  writeFileSync(file, bytes);
  return file;
}

/** An approved packet: two documents, approved by Ada through the packet page. */
async function approvedPacket() {
  const world = await staffWorld();
  const { db, firm, staff, client, contacts } = world;
  await db.update(s.firm).set({ timeZone: 'America/New_York' }).where(eq(s.firm.id, firm.id));
  const draft = await createPacket(db, client, { status: 'draft', title: 'Year-end review' });
  const docs = [
    await addDocument(db, draft, { filename: 'Balance sheet.pdf', pages: 3 }),
    await addDocument(db, draft, { filename: 'Bank reconciliation.pdf', position: 1 })
  ];
  await publishPacket(db, { ...firm, timeZone: 'America/New_York' }, draft.id, staff.id);
  // Staff stage a document for the next version before the client approves: staff-only work,
  // on the audit log but never in the client's certificate.
  const staged = await uploadPdf(
    world.browser,
    draft.id,
    'Adjustments DRAFT.pdf',
    await makePdf(1)
  );
  expect(staged.status).toBe(201);
  const ada = new TestBrowser(
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
  );
  const session = await signIn(ada, contacts[0].user.id, 'client');
  await db
    .update(s.session)
    .set({ signInMethod: 'link' })
    .where(eq(s.session.idHash, session.idHash));
  const vic = new TestBrowser();
  await signIn(vic, contacts[1].user.id, 'client');
  const approved = await ada.post(
    `/p/${draft.id}?/approve`,
    { requestId: crypto.randomUUID(), version: '1' },
    { accept: 'text/html' }
  );
  expect(approved.status).toBe(200);
  return { ...world, packetId: draft.id, docs, ada, vic };
}

describe('sign-off certificate', () => {
  let w: Awaited<ReturnType<typeof approvedPacket>>;
  let first: Uint8Array;
  beforeAll(async () => {
    w = await approvedPacket();
  });
  afterEach(() => vi.restoreAllMocks());

  it('names every document with its hash, the approver, where from, how and the consent', async () => {
    // Two first downloads at once record one certificate, and get the same bytes.
    const [a, b] = await Promise.all([
      download(w.browser, `/firm/packets/${w.packetId}/certificate/1`),
      download(w.ada, `/p/${w.packetId}/certificate/1`)
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers.get('content-type')).toBe('application/pdf');
    expect(a.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Sign-off certificate .*v1\.pdf"/
    );
    expect(a.headers.get('cache-control')).toMatch(/private/);
    first = a.bytes;
    expect(fileSha256(b.bytes)).toBe(fileSha256(first));

    const { items, text } = await pdfText(first);
    for (const doc of w.docs) {
      expect(text).toContain(doc.displayName);
      expect(items).toContain(doc.sha256);
    }
    expect(text).toContain(`Ada Approver <${w.contacts[0].user.email}>`);
    expect(text).toContain(w.ada.ip);
    expect(text).toContain('Safari on iPhone (iOS 18)');
    expect(text).toContain('emailed sign-in link');
    expect(text).toContain('“I have reviewed these 2 documents and approve them.”');
    expect(text).toMatch(/E[SD]T \(\d+ \w+ \d{4}, \d\d:\d\d UTC\)/);
    expect(text).toContain('Ada Approver approved — version 1');
    expect(text).toContain('Acme Bakery');
    expect(text).not.toContain('Adjustments DRAFT');
  });

  it('prints the client and the approver as they were typed, in any Latin, Greek or Cyrillic', async () => {
    const other = await approvedPacket();
    await other.db
      .update(s.client)
      .set({ name: 'Łódź Piekarnia Wałęsa' })
      .where(eq(s.client.id, other.client.id));
    await other.db
      .update(s.clientContact)
      .set({ name: 'Олена Παπαδοπούλου' })
      .where(eq(s.clientContact.id, other.contacts[0].contact.id));
    const issued = await download(other.ada, `/p/${other.packetId}/certificate/1`);
    expect(issued.status).toBe(200);
    const { text } = await pdfText(issued.bytes);
    expect(text).toContain('Łódź Piekarnia Wałęsa approved version 1');
    expect(text).toContain(`Олена Παπαδοπούλου <${other.contacts[0].user.email}>`);
    expect(text).toContain('Олена Παπαδοπούλου approved — version 1');
    expect(text).not.toContain('?');
  });

  it('comes out byte for byte the same on every download, as recorded at first issue', async () => {
    const again = await download(w.browser, `/firm/packets/${w.packetId}/certificate/1`);
    expect(again.bytes).toEqual(first);
    const rows = await getDb()
      .select()
      .from(s.certificate)
      .where(eq(s.certificate.packetId, w.packetId));
    expect(rows.map((r) => [r.version, r.sha256, r.bytes])).toEqual([
      [1, fileSha256(first), first.byteLength]
    ]);
  });

  it('links each approved version on both packet pages, for the approver only', async () => {
    const staffPage = textOf((await w.browser.get(`/firm/packets/${w.packetId}`)).text);
    expect(staffPage).toContain('Sign-off certificate, version 1');
    expect(textOf((await w.ada.get(`/p/${w.packetId}`)).text)).toContain('Sign-off certificate');
    expect(textOf((await w.vic.get(`/p/${w.packetId}`)).text)).not.toContain(
      'Sign-off certificate'
    );
  });

  it('is a 404 for other firms, contacts who did not approve, and versions not approved', async () => {
    const other = await createFirmWithStaff();
    const outsider = new TestBrowser();
    await signIn(outsider, other.staff.id, 'staff');
    expect((await download(outsider, `/firm/packets/${w.packetId}/certificate/1`)).status).toBe(
      404
    );
    expect((await download(w.vic, `/p/${w.packetId}/certificate/1`)).status).toBe(404);
    for (const version of ['2', '0', 'x', '01']) {
      expect(
        (await download(w.browser, `/firm/packets/${w.packetId}/certificate/${version}`)).status
      ).toBe(404);
      expect((await download(w.ada, `/p/${w.packetId}/certificate/${version}`)).status).toBe(404);
    }
    // A published packet nobody approved yet.
    const waiting = await createPacket(w.db, w.client, { title: 'Waiting' });
    await addDocument(w.db, waiting);
    expect((await download(w.browser, `/firm/packets/${waiting.id}/certificate/1`)).status).toBe(
      404
    );
    expect((await download(w.ada, `/p/${waiting.id}/certificate/1`)).status).toBe(404);
    // Signed out: a sign-in is asked for; nothing is served.
    expect((await download(new TestBrowser(), `/p/${w.packetId}/certificate/1`)).status).toBe(303);
  });

  it('verifies on the command line: genuine, altered, a document changed, not a certificate', async () => {
    const genuine = await runVerify(fileWith(first));
    expect(genuine.code).toBe(0);
    expect(genuine.said).toContain('This is the certificate issued for Acme Bakery');
    expect(genuine.said).toContain('every document it names still matches');

    const altered = new Uint8Array(first);
    const at = Buffer.from(altered).indexOf('stream') + 20;
    altered[at] = altered[at] === 0x41 ? 0x42 : 0x41;
    const changed = await runVerify(fileWith(altered));
    expect(changed.code).toBe(2);
    expect(changed.said).toMatch(
      /does not match the certificate issued for Acme Bakery, .*version 1/
    );

    const random = await runVerify(fileWith(await makePdf(1)));
    expect(random).toEqual({
      code: 2,
      said: 'This PDF is not a sign-off certificate this Sheaf issued.'
    });
    const garbage = await runVerify(fileWith(new TextEncoder().encode('hello, not a pdf')));
    expect(garbage.said).toContain('is not a PDF');
  });

  it('verifies on the staff page, for the firm only, with clear refusals', async () => {
    const page = textOf((await verifyPage(w.browser, first)).text);
    expect(page).toContain('This is the certificate issued for Acme Bakery');
    expect(page).toContain('matches the file the firm holds');

    const other = await createFirmWithStaff();
    const outsider = new TestBrowser();
    await signIn(outsider, other.staff.id, 'staff');
    const theirs = textOf((await verifyPage(outsider, first)).text);
    expect(theirs).toContain('This PDF is not a sign-off certificate this firm issued.');
    expect(theirs).not.toContain('Acme Bakery');

    const garbage = await verifyPage(w.browser, new TextEncoder().encode('GIF89a...'), 'cat.gif');
    expect(textOf(garbage.text)).toContain('This file is not a PDF');
    const empty = await verifyPage(w.browser, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(textOf(empty.text)).toContain('Choose the certificate PDF to verify.');
    // Over the page's limit: refused before it is read (413 where the in-process server's own
    // 512 KB default stops it first; 400 with the page's words under `npm start`'s limit).
    const huge = await verifyPage(w.browser, new Uint8Array(2 * 1024 * 1024 + 10));
    expect([400, 413]).toContain(huge.status);
    // A contact has no verify page.
    expect((await w.ada.get('/firm/certificates/verify')).status).toBe(404);
  });

  it('reports a document whose stored file changed', async () => {
    const [doc] = w.docs;
    await getBlobStore().put(doc.blobKey, await makePdf(1, 'Tampered'));
    const cli = await runVerify(fileWith(first));
    expect(cli.code).toBe(2);
    expect(cli.said).toContain('1 of the 2 documents it names no longer match');
    expect(cli.said).toContain(`✖ ${doc.displayName}`);
    const page = textOf((await verifyPage(w.browser, first)).text);
    expect(page).toContain('does not match: the file the firm holds has changed');
  });

  it('serves the file issued first after a row it was drawn from changed', async () => {
    // Drawn again from the same rows, it is the same file, byte for byte.
    const same = await loadCertificateData(w.db, w.packetId, 1);
    expect(await renderCertificate(same!)).toEqual(first);
    await w.db
      .update(s.clientContact)
      .set({ name: 'Ada Renamed' })
      .where(eq(s.clientContact.id, w.contacts[0].contact.id));
    // Drawn again, it would differ ...
    const data = await loadCertificateData(w.db, w.packetId, 1);
    expect(fileSha256(await renderCertificate(data!))).not.toBe(fileSha256(first));
    // ... but the firm and the client get the certificate as issued, which verify recognises.
    const again = await download(w.ada, `/p/${w.packetId}/certificate/1`);
    expect(again.status).toBe(200);
    expect(again.bytes).toEqual(first);
    expect((await runVerify(fileWith(again.bytes))).said).toContain(
      'This is the certificate issued for Acme Bakery'
    );
    const [row] = await w.db
      .select()
      .from(s.certificate)
      .where(and(eq(s.certificate.packetId, w.packetId), eq(s.certificate.version, 1)));
    expect(row.sha256).toBe(fileSha256(first));
    expect(row.blobKey).toBeTruthy();
  });

  it('keeps a file for a certificate recorded before files were kept', async () => {
    const [before] = await w.db
      .select()
      .from(s.certificate)
      .where(eq(s.certificate.packetId, w.packetId));
    await w.db
      .update(s.certificate)
      .set({ blobKey: null })
      .where(eq(s.certificate.packetId, w.packetId));
    const again = await download(w.browser, `/firm/packets/${w.packetId}/certificate/1`);
    expect(again.status).toBe(200);
    const [row] = await w.db
      .select()
      .from(s.certificate)
      .where(eq(s.certificate.packetId, w.packetId));
    expect(row.blobKey).toBeTruthy();
    expect(row.sha256).toBe(fileSha256(again.bytes));
    expect((await download(w.ada, `/p/${w.packetId}/certificate/1`)).bytes).toEqual(again.bytes);
    // As it was, for the tests after this one.
    await w.db.update(s.certificate).set(before).where(eq(s.certificate.id, before.id));
  });

  it('says so when the approval it records was withdrawn since', async () => {
    const withdrawn = await w.ada.post(`/p/${w.packetId}?/withdraw`, { version: '1' });
    expect(withdrawn.status).toBe(200);
    const cli = await runVerify(fileWith(first));
    expect(cli.code).toBe(2);
    expect(cli.said).toContain('This is the certificate issued for Acme Bakery');
    expect(cli.said).toContain('an approval it records was withdrawn');
    const page = textOf((await verifyPage(w.browser, first)).text);
    expect(page).toContain('the version no longer counts as approved');
    // Nor is it offered any more.
    expect((await download(w.ada, `/p/${w.packetId}/certificate/1`)).status).toBe(404);
  });
});
