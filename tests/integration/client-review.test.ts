import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn,
  snapshotPacket
} from '../support/factories';
import { TestBrowser } from '../support/server';

/** A form POST as a browser without JavaScript sends it (so failures render the page). */
const post = (browser: TestBrowser, path: string, form: Record<string, string> = {}) =>
  browser.post(path, form, { accept: 'text/html' });

/** The packet card on /p holding this title. */
const card = (html: string, title: string) =>
  html.split('<li class="packet').find((chunk) => chunk.includes(title)) ?? '';

async function setup(options: { role?: 'approver' | 'viewer' } = {}) {
  const db = getDb();
  const { firm, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id, { name: 'Harbour Bakery Ltd' });
  const { contact, user } = await createContact(db, client, {
    name: 'Casey Baker',
    role: options.role ?? 'approver'
  });
  const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
  const doc = await addDocument(db, packet, { pages: 2, filename: 'Bank statement.pdf' });
  await db
    .insert(s.delivery)
    .values({ firmId: firm.id, packetId: packet.id, version: 1, contactId: contact.id });
  const browser = new TestBrowser();
  await signIn(browser, user.id, 'client');
  return { db, firm, staff, client, contact, user, packet, doc, browser };
}

const deliveryOf = async (packetId: string, contactId: string) => {
  const [row] = await getDb()
    .select()
    .from(s.delivery)
    .where(and(eq(s.delivery.packetId, packetId), eq(s.delivery.contactId, contactId)));
  return row;
};
const decisionsOf = (packetId: string) =>
  getDb().select().from(s.decision).where(eq(s.decision.packetId, packetId));
const commentsOf = (packetId: string) =>
  getDb().select().from(s.comment).where(eq(s.comment.packetId, packetId));

describe('the client area', () => {
  it('sends the signed-out to sign in and back', async () => {
    const { packet } = await setup();
    const response = await new TestBrowser().get(`/p/${packet.id}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/sign-in?next=${encodeURIComponent(`/p/${packet.id}`)}`);
    expect((await new TestBrowser().get('/p')).location).toBe('/sign-in?next=%2Fp');
  });
});

describe('/p', () => {
  it('lists the packets of every client I belong to, newest period first, not drafts', async () => {
    const { db, firm, client, user, browser, packet } = await setup();
    const other = await createClient(db, firm.id, { name: 'Quay Holdings' });
    await db
      .insert(s.clientContact)
      .values({ firmId: firm.id, clientId: other.id, userId: user.id });
    await createPacket(db, other, { title: 'Q4 review', period: '2026-Q4' });
    await createPacket(db, client, { title: 'Secret draft', status: 'draft' });
    await createPacket(db, client, { title: 'Q1 archive', period: '2026-Q1', status: 'archived' });

    const page = await browser.get('/p');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Secret draft');
    const order = ['Q4 review', 'Q3 review', 'Q1 archive'].map((t) => page.text.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.text).toContain(firm.name);
    expect(page.text).toContain('Choose a business');
    expect(page.text).toContain('>Not opened yet<');
    expect(page.text).toContain('Archived');

    const filtered = await browser.get(`/p?client=${other.id}`);
    expect(filtered.text).toContain('Q4 review');
    expect(filtered.text).not.toContain('Q3 review');
    expect(packet.id).toBeTruthy();
  });

  it('shows approved, question open and due soon', async () => {
    const { db, client, browser, packet } = await setup();
    await post(browser, `/p/${packet.id}?/approve`, { version: '1' });
    const due = await createPacket(db, client, {
      title: 'Due next',
      dueAt: new Date(Date.now() + 36 * 3600 * 1000)
    });
    const asked = await createPacket(db, client, { title: 'Asked one' });
    await post(browser, `/p/${asked.id}?/ask`, { version: '1', body: 'What is this charge?' });
    const page = await browser.get('/p');
    expect(card(page.text, 'Q3 review')).toContain('Approved');
    expect(card(page.text, 'Due next')).toContain('Due soon');
    expect(card(page.text, 'Asked one')).toContain('Question open');
    expect(due.id).toBeTruthy();
  });

  it('hides packets of clients whose guest access has ended', async () => {
    const { db, contact, browser } = await setup();
    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, contact.id));
    const page = await browser.get('/p');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Nothing to review yet');
  });
});

describe('/p/[packetId]', () => {
  it('shows the note, documents and records the open', async () => {
    const { browser, packet, contact, doc } = await setup();
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Please review the statements and approve.');
    expect(page.text).toContain('Bank statement.pdf');
    expect(page.text).toContain('2 pages');
    expect(page.text).toContain(`/p/${packet.id}/d/${doc.id}`);
    const first = await deliveryOf(packet.id, contact.id);
    expect(first.firstOpenedAt).toBeInstanceOf(Date);
    // The second open must fall in a later millisecond than the first (timestamps are read back
    // to the millisecond): wait for the clock to pass it, not a fixed time.
    while (Date.now() <= first.lastOpenedAt!.getTime()) await new Promise((r) => setImmediate(r));
    await browser.get(`/p/${packet.id}`);
    const again = await deliveryOf(packet.id, contact.id);
    expect(again.firstOpenedAt!.getTime()).toBe(first.firstOpenedAt!.getTime());
    expect(again.lastOpenedAt!.getTime()).toBeGreaterThan(first.lastOpenedAt!.getTime());
  });

  it('names the due date once: with a count of days only when near', async () => {
    const { db, client, browser } = await setup();
    const dueLine = async (days: number) => {
      const dueAt = new Date(Date.now() + days * 86_400_000);
      const p = await createPacket(db, client, { title: `Due in ${days}`, dueAt });
      const page = await browser.get(`/p/${p.id}`);
      const m = page.text.match(/<p class="due[^"]*">([\s\S]*?)<\/p>/);
      return (m?.[1] ?? '')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    };
    const far = await dueLine(20);
    expect(far).toMatch(/^Due \d{1,2} \w+ \d{4}$/);
    const near = await dueLine(3);
    expect(near).toMatch(/^Due in [34] days \(\d{1,2} \w+ \d{4}\)$/);
  });

  it("is a 404 for another client's packet, a draft, a bad id and expired guest access", async () => {
    const { db, firm, browser, client, contact } = await setup();
    const stranger = await createClient(db, firm.id);
    const theirs = await createPacket(db, stranger);
    const draft = await createPacket(db, client, { status: 'draft' });
    expect((await browser.get(`/p/${theirs.id}`)).status).toBe(404);
    expect((await browser.get(`/p/${draft.id}`)).status).toBe(404);
    expect((await browser.get('/p/not-a-uuid')).status).toBe(404);
    expect((await post(browser, `/p/${theirs.id}?/approve`, { version: '1' })).status).toBe(404);
    expect((await post(browser, `/p/${theirs.id}?/ask`, { version: '1', body: 'hi' })).status).toBe(
      404
    );
    expect(await decisionsOf(theirs.id)).toHaveLength(0);

    const mine = await createPacket(db, client);
    await db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, contact.id));
    expect((await browser.get(`/p/${mine.id}`)).status).toBe(404);
    // That refusal also ended the guest's sessions: the next request is signed out.
    const after = await post(browser, `/p/${mine.id}?/approve`, { version: '1' });
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/sign-in/);
    expect(await decisionsOf(mine.id)).toHaveLength(0);
  });

  it('approves the current version once and marks the delivery reviewed', async () => {
    const { browser, packet, contact } = await setup();
    const response = await post(browser, `/p/${packet.id}?/approve`, { version: '1' });
    expect(response.status).toBe(200);
    const again = await post(browser, `/p/${packet.id}?/approve`, { version: '1' });
    expect(again.status).toBe(200);
    const decisions = await decisionsOf(packet.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ kind: 'approve', version: 1, contactId: contact.id });
    expect((await deliveryOf(packet.id, contact.id)).reviewedAt).toBeInstanceOf(Date);
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.text).toContain('You approved this packet');
  });

  it('records a replayed requestId once', async () => {
    const { browser, packet } = await setup();
    const requestId = crypto.randomUUID();
    expect(
      (await post(browser, `/p/${packet.id}?/approve`, { version: '1', requestId })).status
    ).toBe(200);
    expect(
      (await post(browser, `/p/${packet.id}?/approve`, { version: '1', requestId })).status
    ).toBe(200);
    const decisions = await decisionsOf(packet.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0].clientRequestId).toBe(requestId);
  });

  it('records one decision when copies of a queued request arrive together', async () => {
    const { browser, packet } = await setup();
    const requestId = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        post(browser, `/p/${packet.id}?/approve`, { version: '1', requestId })
      )
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await decisionsOf(packet.id)).toHaveLength(1);
  });

  it('refuses a malformed requestId and one used by someone else', async () => {
    const { db, client, browser, packet } = await setup();
    const bad = await post(browser, `/p/${packet.id}?/approve`, { version: '1', requestId: 'x' });
    expect(bad.status).toBe(400);
    expect(await decisionsOf(packet.id)).toHaveLength(0);

    const requestId = crypto.randomUUID();
    const other = await createContact(db, client);
    const otherBrowser = new TestBrowser();
    await signIn(otherBrowser, other.user.id, 'client');
    expect(
      (await post(otherBrowser, `/p/${packet.id}?/approve`, { version: '1', requestId })).status
    ).toBe(200);
    const reused = await post(browser, `/p/${packet.id}?/approve`, { version: '1', requestId });
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('That request was already used.');
    expect(await decisionsOf(packet.id)).toHaveLength(1);
  });

  it("won't let a viewer approve, and says why", async () => {
    const { browser, packet } = await setup({ role: 'viewer' });
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.text).toContain('approving is left to the approvers');
    const response = await post(browser, `/p/${packet.id}?/approve`, { version: '1' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('approving is left to the approvers');
    expect(await decisionsOf(packet.id)).toHaveLength(0);
  });

  it('says "updated since you reviewed" after a new version', async () => {
    const { db, browser, packet } = await setup();
    await post(browser, `/p/${packet.id}?/approve`, { version: '1' });
    await db.update(s.packet).set({ version: 2 }).where(eq(s.packet.id, packet.id));
    await snapshotPacket(db, { ...packet, version: 2 });
    await addDocument(db, { ...packet, version: 2 }, { filename: 'Extra.pdf' });
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.text).toContain('Updated since you reviewed');
    expect(page.text).toContain('Version 2');
    expect(page.text).toMatch(/Added Extra(?!\.pdf)\b/);
    expect((await post(browser, `/p/${packet.id}?/approve`, { version: '2' })).status).toBe(200);
    const decisions = await decisionsOf(packet.id);
    expect(decisions.map((d) => d.version).sort()).toEqual([1, 2]);
  });

  it('records a question in the thread, and refuses empty or too long ones', async () => {
    const { browser, packet, staff, db } = await setup();
    const empty = await post(browser, `/p/${packet.id}?/ask`, { version: '1', body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Write your question before sending it.');
    const long = await post(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'x'.repeat(2001)
    });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Keep your question under 2,000 characters.');
    expect(await commentsOf(packet.id)).toHaveLength(0);

    const requestId = crypto.randomUUID();
    const ok = await post(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'What is the £120 on 3 Aug?',
      requestId
    });
    expect(ok.status).toBe(200);
    await post(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'What is the £120 on 3 Aug?',
      requestId
    });
    const comments = await commentsOf(packet.id);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ body: 'What is the £120 on 3 Aug?', documentId: null });
    expect((await decisionsOf(packet.id)).map((d) => d.kind)).toEqual(['question']);

    await db.insert(s.comment).values({
      firmId: packet.firmId,
      packetId: packet.id,
      authorId: staff.id,
      body: 'That is the card terminal fee.'
    });
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.text).toContain('What is the £120 on 3 Aug?');
    expect(page.text).toContain('That is the card terminal fee.');
    expect(page.text).toContain('Sam Staff');
  });
});

describe('/p/[packetId]/d/[docId]', () => {
  it('opens the viewer and counts views', async () => {
    const { browser, packet, doc, contact, db } = await setup();
    const page = await browser.get(`/p/${packet.id}/d/${doc.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bank statement.pdf');
    await browser.get(`/p/${packet.id}/d/${doc.id}`);
    const [view] = await db
      .select()
      .from(s.documentView)
      .where(and(eq(s.documentView.documentId, doc.id), eq(s.documentView.contactId, contact.id)));
    expect(view.views).toBe(2);
    expect(view.lastOpenedAt.getTime()).toBeGreaterThanOrEqual(view.firstOpenedAt.getTime());
  });

  it('asks for page 1 picture first, and preloads only the entry modules', async () => {
    const { browser, packet, doc } = await setup();
    // Kit names a page's modules in the Link header (its <head> lists them only when prerendering).
    const linksOf = (page: { headers: Headers }) =>
      (page.headers.get('link') ?? '').split(/,\s*(?=<)/);
    const modulesOf = (page: { headers: Headers }) =>
      linksOf(page).filter((link) => link.includes('rel="modulepreload"'));
    const viewer = await browser.get(`/p/${packet.id}/d/${doc.id}`);
    expect(linksOf(viewer)[0]).toMatch(
      new RegExp(`^</api/files/${doc.id}/page-1/800>; rel="preload"; as="image"`)
    );
    // The app's other modules follow from the entries' imports, after the picture.
    expect(modulesOf(viewer).length).toBeGreaterThan(0);
    for (const link of modulesOf(viewer)) expect(link).toMatch(/\/immutable\/(entry|assets)\//);
    // Other pages preload all of theirs.
    const packetPage = await browser.get(`/p/${packet.id}`);
    expect(modulesOf(packetPage).some((link) => link.includes('/immutable/chunks/'))).toBe(true);
  });

  it("is a 404 for another packet's document, a removed one and a draft", async () => {
    const { db, browser, packet, client, firm } = await setup();
    const stranger = await createPacket(db, await createClient(db, firm.id));
    const theirDoc = await addDocument(db, stranger);
    const removed = await addDocument(db, packet, { filename: 'old.pdf' });
    await db
      .update(s.document)
      .set({ removedAt: new Date(), removedVersion: packet.version })
      .where(eq(s.document.id, removed.id));
    const draft = await createPacket(db, client, { status: 'draft' });
    const draftDoc = await addDocument(db, draft);
    expect((await browser.get(`/p/${packet.id}/d/${theirDoc.id}`)).status).toBe(404);
    expect((await browser.get(`/p/${stranger.id}/d/${theirDoc.id}`)).status).toBe(404);
    expect((await browser.get(`/p/${packet.id}/d/${removed.id}`)).status).toBe(404);
    expect((await browser.get(`/p/${draft.id}/d/${draftDoc.id}`)).status).toBe(404);
    expect((await browser.get(`/p/${packet.id}/d/nope`)).status).toBe(404);
  });

  it('pins a question to the document and page', async () => {
    const { browser, packet, doc } = await setup();
    const ok = await post(browser, `/p/${packet.id}/d/${doc.id}?/ask`, {
      version: '1',
      body: 'Which account is this?',
      page: '2'
    });
    expect(ok.status).toBe(200);
    const [row] = await commentsOf(packet.id);
    expect(row).toMatchObject({ documentId: doc.id, page: 2, body: 'Which account is this?' });
    const page = await browser.get(`/p/${packet.id}`);
    expect(page.text).toContain('Bank statement, page 2');
  });

  it('refuses a page the document does not have', async () => {
    const { browser, packet, doc } = await setup();
    for (const page of ['3', '0', 'two']) {
      const response = await post(browser, `/p/${packet.id}/d/${doc.id}?/ask`, {
        version: '1',
        body: 'Which account is this?',
        page
      });
      expect(response.status).toBe(400);
    }
    const r = await post(browser, `/p/${packet.id}/d/${doc.id}?/ask`, {
      version: '1',
      body: 'x',
      page: '3'
    });
    expect(r.text).toContain('That document has 2 pages.');
    expect(await commentsOf(packet.id)).toHaveLength(0);
  });
});
