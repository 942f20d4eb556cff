// Issue 19, "Names": document display names staff rename, periods chosen from the list, and
// a title that names its period not prefixed again.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { makePdf } from '../../support/factories';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';
import { selectOutbox } from '../../support/outbox';

const docRow = async (db: Awaited<ReturnType<typeof staffWorld>>['db'], id: string) =>
  (await db.select().from(s.document).where(eq(s.document.id, id)))[0];

describe('renaming a document', () => {
  it('changes the label contacts see at once; the file, its hash and its download name stay', async () => {
    const { db, browser, client, contacts, firm } = await staffWorld();
    const packet = await createPacket(db, client, { title: 'Year-end accounts' });
    const doc = await addDocument(db, packet, { filename: 'bank_stmt-2026-09.pdf' });
    expect(doc.displayName).toBe('bank stmt 2026 09');

    const renamed = await postForm(browser, `/firm/packets/${packet.id}?/renameDocument`, {
      documentId: doc.id,
      displayName: '  Bank statement, September  '
    });
    expect(renamed.status).toBe(200);
    const after = await docRow(db, doc.id);
    expect(after).toMatchObject({
      displayName: 'Bank statement, September',
      filename: 'bank_stmt-2026-09.pdf',
      sha256: doc.sha256,
      blobKey: doc.blobKey,
      version: doc.version
    });
    const [audit] = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'document.renamed')));
    expect(audit.data).toEqual({
      documentId: doc.id,
      filename: 'bank_stmt-2026-09.pdf',
      from: 'bank stmt 2026 09',
      to: 'Bank statement, September'
    });
    const staffPage = await browser.get(`/firm/packets/${packet.id}`);
    expect(staffPage.text).toContain('Bank statement, September');
    expect(staffPage.text).toContain('bank_stmt-2026-09.pdf');
    expect(staffPage.text).toContain('renamed a document');

    // No publish: the contact sees the new name on the packet and in the viewer.
    const contact = new TestBrowser();
    await signIn(contact, contacts[0].user.id, 'client');
    const page = await contact.get(`/p/${packet.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bank statement, September');
    expect(page.text).not.toContain('bank stmt 2026 09');
    // The download link keeps the file's own name.
    expect(page.text).toContain('download="bank_stmt-2026-09.pdf"');
    const viewer = await contact.get(`/p/${packet.id}/d/${doc.id}`);
    expect(viewer.text).toMatch(/<title>Bank statement, September · Year-end accounts<\/title>/);
    const file = await contact.get(`/api/files/${doc.id}?download=1`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('filename="bank_stmt-2026-09.pdf"');
  });

  it('refuses an empty, long or control-character name and keeps the old one', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client);
    const doc = await addDocument(db, packet, { filename: 'Ledger.pdf' });
    const cases: [string, string][] = [
      ['   ', 'Enter a name.'],
      ['x'.repeat(121), 'At most 120 characters.'],
      ['Ledger\tdetail', 'no tabs or line breaks'],
      ['Ledger\u202edetail', 'no tabs or line breaks']
    ];
    for (const [displayName, message] of cases) {
      const response = await postForm(browser, `/firm/packets/${packet.id}?/renameDocument`, {
        documentId: doc.id,
        displayName
      });
      expect(response.status, JSON.stringify(displayName)).toBe(400);
      expect(response.text).toContain(message);
    }
    const ok = await postForm(browser, `/firm/packets/${packet.id}?/renameDocument`, {
      documentId: doc.id,
      displayName: 'é'.repeat(120)
    });
    expect(ok.status).toBe(200);
    expect((await docRow(db, doc.id)).displayName).toBe('é'.repeat(120));
  });

  it('is a 404 for another firm’s document, a removed one and a made-up id', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client);
    const other = await createFirmWithStaff(db);
    const otherClient = await createClient(db, other.firm.id);
    const otherPacket = await createPacket(db, otherClient);
    const theirs = await addDocument(db, otherPacket, { filename: 'Theirs.pdf' });
    const gone = await addDocument(db, packet, { filename: 'Gone.pdf' });
    await db.update(s.document).set({ removedAt: new Date() }).where(eq(s.document.id, gone.id));
    for (const [path, documentId] of [
      [`/firm/packets/${packet.id}?/renameDocument`, theirs.id],
      [`/firm/packets/${otherPacket.id}?/renameDocument`, theirs.id],
      [`/firm/packets/${packet.id}?/renameDocument`, gone.id],
      [`/firm/packets/${packet.id}?/renameDocument`, crypto.randomUUID()],
      [`/firm/packets/${packet.id}?/renameDocument`, 'not-an-id']
    ]) {
      const response = await postForm(browser, path, { documentId, displayName: 'Mine now' });
      expect(response.status, `${path} ${documentId}`).toBe(404);
      expect(response.text).not.toContain('Theirs');
    }
    const refused = await postForm(browser, `/firm/packets/${packet.id}?/renameDocument`, {
      documentId: theirs.id,
      displayName: 'Mine now'
    });
    expect(refused.text).toContain('That document is not in this packet. Reload the page');
    expect((await docRow(db, theirs.id)).displayName).toBe('Theirs');
    expect((await docRow(db, gone.id)).displayName).toBe('Gone');
  });
});

describe('periods', () => {
  it('creates packets only for a period of the list’s forms', async () => {
    const { browser, client } = await staffWorld();
    const create = (period: string) =>
      postForm(browser, '/firm/packets/new', {
        clientId: client.id,
        title: 'Review',
        period,
        note: '',
        dueAt: ''
      });
    for (const bad of ['2026-Q5', '2026-M03', '2026-H1', '2026-13', 'Q3 2026', '']) {
      const response = await create(bad);
      expect(response.status, bad).toBe(400);
      expect(response.text).toContain('Choose a quarter, month or financial year from the list.');
    }
    for (const good of ['2026-Q3', '2026-03', '2026-FY']) {
      expect((await create(good)).status, good).toBe(303);
    }
  });

  it('bulk create refuses an impossible period', async () => {
    const { browser, client } = await staffWorld();
    const response = await browser.request('POST', '/firm/packets/bulk/create', {
      body: JSON.stringify({ clientId: client.id, period: '2026-Q0', title: 'x', note: '' }),
      headers: { 'content-type': 'application/json' }
    });
    expect(response.status).toBe(400);
    expect(response.json<{ error: string }>().error).toContain('Choose a quarter');
  });

  it('offers the period select with the last completed quarter on the new-packet page', async () => {
    const { browser } = await staffWorld();
    const page = await browser.get('/firm/packets/new');
    expect(page.text).toContain('<optgroup label="Quarters">');
    expect(page.text).toContain('<optgroup label="Financial years">');
  });
});

describe('a title that names its period', () => {
  it('is not prefixed again on the staff page, in the mail subject or on the client pages', async () => {
    const { db, browser, client, contacts, firm } = await staffWorld();
    const packet = await createPacket(db, client, {
      status: 'draft',
      period: '2026-Q3',
      title: 'Q3 2026 quarterly review'
    });
    await uploadPdf(browser, packet.id, 'statements.pdf', await makePdf(1));
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toMatch(/<h1[^>]*>Q3 2026 quarterly review<\/h1>/);
    expect(page.text).not.toContain('Q3 2026 · Q3 2026');
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const mails = (await selectOutbox(db)).filter(
      (o) => (o.payload as { metadata?: { packetId?: string } }).metadata?.packetId === packet.id
    );
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) {
      const subject = (mail.payload as { subject: string }).subject;
      expect(subject).toContain(`${firm.name}`);
      expect(subject).toContain(': Q3 2026 quarterly review for ');
      expect(subject).not.toMatch(/Q3 2026 Q3 2026/i);
    }
    // Nor on the contact's pages: no period line above a title that already names it.
    const contact = new TestBrowser();
    await signIn(contact, contacts[0].user.id, 'client');
    for (const path of [`/p/${packet.id}`, '/p']) {
      const html = (await contact.get(path)).text;
      const text = textOf(html.replace(/<title>[\s\S]*?<\/title>/, ''));
      expect(text).toContain('Q3 2026 quarterly review');
      expect(text.match(/Q3 2026/g)).toHaveLength(1);
    }
  });
});
