// The whole pipeline of statuses a firm relies on, walked through the real routes: publish ->
// outbox -> worker sends (Postmark stub) -> webhook delivered / bounced -> contact opens, views,
// approves -> what staff see on /firm and /firm/packets/[id]. Then version 2, nudges, replies,
// expired guests and viewers.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import type { EmailMessage } from '../../../src/lib/server/email/outbox';
import { createPostmarkTransport } from '../../../src/lib/server/email/postmark';
import { createEmailWorker } from '../../../src/lib/server/email/worker';
import { createContact, makePdf, signIn } from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { startPostmarkStub, type PostmarkStub } from '../../support/postmark-stub';
import { TestBrowser } from '../../support/server';
import { rowOf, textOf } from '../../support/html';
import { selectOutbox } from '../../support/outbox';

const WEBHOOK_AUTH = `Basic ${Buffer.from('postmark-test:webhook-secret').toString('base64')}`;

let stub: PostmarkStub;
beforeAll(async () => {
  stub = await startPostmarkStub();
});
afterAll(() => stub.close());

/** Sends everything queued for this firm through Postmark (the stub), as the worker does. */
function sendQueued(firmId: string) {
  return createEmailWorker(getDb(), {
    transport: createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      messageStream: 'outbound',
      defaultFrom: 'Smith & Co <mail@smith.test>',
      timeoutSeconds: 5
    }),
    only: { firmId }
  }).drain();
}

/** The newest message Postmark accepted for this address, with its MessageID and magic link. */
function acceptedTo(email: string) {
  const m = stub.accepted.filter((a) => a.To === email).at(-1);
  if (!m) throw new Error(`Postmark got nothing for ${email}`);
  const link = /\/l\/[a-z0-9]+/.exec(m.TextBody ?? '')?.[0] ?? null;
  return { ...m, link };
}

const webhook = (body: unknown) =>
  new TestBrowser().request('POST', '/api/webhooks/postmark', {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTH }
  });

/** A contact's browser signed in by tapping the mailed link: GET shows the page, POST enters. */
async function tapLink(link: string) {
  const browser = new TestBrowser();
  expect((await browser.get(link)).status).toBe(200);
  const entered = await browser.post(link);
  expect(entered.status).toBe(303);
  return { browser, landing: entered.location };
}

async function world() {
  const w = await staffWorld();
  const [approver, viewer] = w.contacts;
  const bouncer = await createContact(w.db, w.client, { name: 'Bo Bounce' });
  const created = await postForm(w.browser, '/firm/packets/new', {
    clientId: w.client.id,
    period: '2031-Q3',
    title: 'Q3 review',
    note: 'Please check the bank lines.',
    dueAt: ''
  });
  expect(created.status).toBe(303);
  const packetId = created.location!.split('/').pop()!;
  expect((await uploadPdf(w.browser, packetId, 'Ledger.pdf', await makePdf(4))).status).toBe(201);
  return { ...w, approver, viewer, bouncer, packetId };
}

describe('the delivery pipeline, as staff see it', () => {
  it('publish -> sent -> delivered/bounced -> opened -> viewed -> approved, on /firm and the packet page', async () => {
    const w = await world();
    const { db, browser: staff, packetId, approver, viewer, bouncer } = w;
    const emails = [approver, viewer, bouncer].map((c) => c.user.email);
    const packetPage = async () => (await staff.get(`/firm/packets/${packetId}`)).text;

    // Publish: one outbox row and one queued delivery per contact, in one go.
    const published = await postForm(staff, `/firm/packets/${packetId}?/publish`);
    expect(published.status).toBe(200);
    expect(textOf(published.text)).toContain('Published — 3 emails on the way.');
    for (const email of emails) expect(rowOf(await packetPage(), email)).toContain('queued');

    // The worker sends through Postmark: 'sent', with Postmark's MessageID on the outbox row.
    expect((await sendQueued(w.firm.id)).sent).toBe(3);
    const page1 = await packetPage();
    for (const email of emails) expect(rowOf(page1, email)).toMatch(/sent .*not yet/);
    const messageId = (email: string) => {
      const m = acceptedTo(email);
      expect(m.TrackLinks).toBe('None');
      return m.MessageID!;
    };

    // Postmark's webhooks: delivered for two, a hard bounce for the third.
    for (const email of [emails[0], emails[1]]) {
      const r = await webhook({
        RecordType: 'Delivery',
        MessageID: messageId(email),
        Recipient: email,
        DeliveredAt: new Date().toISOString(),
        MessageStream: 'outbound'
      });
      expect(r.status).toBe(200);
    }
    const bounced = await webhook({
      RecordType: 'Bounce',
      ID: Date.now(),
      Type: 'HardBounce',
      TypeCode: 1,
      MessageID: messageId(emails[2]),
      Email: emails[2],
      BouncedAt: new Date().toISOString(),
      Description: 'The server was unable to deliver your message.',
      Inactive: true,
      MessageStream: 'outbound'
    });
    expect(bounced.status).toBe(200);
    const page2 = await packetPage();
    expect(rowOf(page2, emails[0])).toContain('delivered');
    expect(rowOf(page2, emails[2])).toContain('bounced');

    // The approver taps the link: opened; views the document; approves.
    const a = await tapLink(acceptedTo(emails[0]).link!);
    expect(a.landing).toBe(`/p/${packetId}`);
    expect((await a.browser.get(`/p/${packetId}`)).status).toBe(200);
    const [doc] = await db.select().from(s.document).where(eq(s.document.packetId, packetId));
    expect((await a.browser.get(`/p/${packetId}/d/${doc.id}`)).status).toBe(200);
    const approved = await a.browser.post(
      `/p/${packetId}?/approve`,
      { version: '1', requestId: randomUUID() },
      { accept: 'text/html' }
    );
    expect(approved.status).toBe(200);
    const [delivered] = await db
      .select()
      .from(s.delivery)
      .where(and(eq(s.delivery.packetId, packetId), eq(s.delivery.contactId, approver.contact.id)));
    expect(delivered.firstOpenedAt).not.toBeNull();
    expect(delivered.reviewedAt).not.toBeNull();

    // The viewer opens it and asks a question about page 2; a viewer cannot approve.
    const v = await tapLink(acceptedTo(emails[1]).link!);
    await v.browser.get(v.landing!);
    const refused = await v.browser.post(
      `/p/${packetId}?/approve`,
      { version: '1', requestId: randomUUID() },
      { accept: 'text/html' }
    );
    expect(refused.status).toBe(403);
    const asked = await v.browser.post(
      `/p/${packetId}?/ask`,
      { version: '1', body: 'Is the rent on page 2 right?', documentId: doc.id, page: '2' },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    const decisions = await db.select().from(s.decision).where(eq(s.decision.packetId, packetId));
    expect(decisions.map((d) => d.kind).sort()).toEqual(['approve', 'question']);
    expect(decisions.find((d) => d.kind === 'approve')?.contactId).toBe(approver.contact.id);

    // The packet page: per contact, what happened.
    const page3 = await packetPage();
    // Opened: one time ("7 Dec, 20:02 UTC"), or first and last when they read differently.
    const opened = String.raw`(first )?\d{1,2} \w{3}, \d\d:\d\d \w+`;
    expect(rowOf(page3, emails[0])).toMatch(new RegExp(`delivered ${opened}.*1 of 1.*approved`));
    expect(rowOf(page3, emails[1])).toMatch(new RegExp(`delivered ${opened}.*0 of 1.*question`));
    expect(rowOf(page3, emails[2])).toMatch(/bounced.*not yet.*0 of 1/);
    expect(textOf(page3)).toContain('Is the rent on page 2 right?');
    expect(textOf(page3)).toContain('Page 2 of Ledger →');
    // One version so far: no history yet.
    expect(page3).not.toContain('Version history');

    // The dashboard: counts out of 3 contacts (approvals out of the 2 approvers) and who has
    // not opened.
    const dashboard = textOf((await staff.get('/firm?period=2031-Q3')).text);
    const card = dashboard.slice(dashboard.indexOf(w.client.name));
    for (const [label, n, of] of [
      ['sent', 2, 3],
      ['delivered', 2, 3],
      ['opened', 2, 3],
      ['approved', 1, 2],
      ['questions', 1, 3],
      ['bounced', 1, 3]
    ] as const) {
      expect(card).toContain(`${label} ${n} /${of}`);
    }
    const notOpened = dashboard.slice(dashboard.indexOf('Not opened yet'));
    expect(notOpened).toContain('Bo Bounce');
    expect(notOpened).toContain('bounced');
    expect(notOpened).not.toContain('Ada Approver');
  });

  it('version 2: an "updated" mail, "updated since you reviewed", the old approval kept; nudge and reply', async () => {
    const w = await world();
    const { db, browser: staff, packetId, approver, viewer } = w;
    // Every approver must approve, so the one who has not is still nudged after another approved.
    await db.update(s.firm).set({ approvalRule: 'all' }).where(eq(s.firm.id, w.firm.id));
    await postForm(staff, `/firm/packets/${packetId}?/publish`);
    await sendQueued(w.firm.id);
    const a = await tapLink(acceptedTo(approver.user.email).link!);
    await a.browser.post(`/p/${packetId}?/approve`, { version: '1', requestId: randomUUID() });
    // The approval's alert to the firm's owner goes now, so only the nudges are counted below.
    await sendQueued(w.firm.id);

    // Nudge: every approver who has not decided gets a fresh link (not the one who approved,
    // nor the viewer, who has nothing to approve).
    const before = stub.accepted.length;
    const nudged = await postForm(staff, `/firm/packets/${packetId}?/nudge`, { contactId: '' });
    expect(nudged.status).toBe(200);
    expect(rowOf(nudged.text, w.bouncer.user.email)).toContain('1 reminder');
    expect(rowOf(nudged.text, viewer.user.email)).not.toContain('reminder');
    expect(rowOf(nudged.text, approver.user.email)).not.toContain('reminder');
    await sendQueued(w.firm.id);
    const fresh = stub.accepted.slice(before).map((m) => m.To);
    expect(fresh).toEqual([w.bouncer.user.email]);
    expect(acceptedTo(viewer.user.email).link).not.toBeNull();

    // A staff reply: stored in the thread and mailed; the contact sees it on the packet.
    const reply = await postForm(staff, `/firm/packets/${packetId}?/reply`, {
      body: 'The rent line is the October invoice.'
    });
    expect(reply.status).toBe(200);
    expect(textOf(reply.text)).toContain('The rent line is the October invoice.');
    await sendQueued(w.firm.id);
    expect(acceptedTo(viewer.user.email).TextBody).toContain(
      'The rent line is the October invoice.'
    );
    const v = await tapLink(acceptedTo(viewer.user.email).link!);
    expect(textOf((await v.browser.get(v.landing!)).text)).toContain(
      'The rent line is the October invoice.'
    );
    const asked = await v.browser.post(
      `/p/${packetId}?/ask`,
      { version: '1', body: 'And the November one?', requestId: randomUUID() },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    const blank = await postForm(staff, `/firm/packets/${packetId}?/reply`, { body: '  ' });
    expect(blank.status).toBe(400);

    // Version 2: a new document, published again.
    await uploadPdf(staff, packetId, 'Ledger addendum.pdf', await makePdf(1));
    const republished = await postForm(staff, `/firm/packets/${packetId}?/publish`);
    expect(textOf(republished.text)).toContain('Updated — 3 emails on the way.');
    const outbox = await selectOutbox(db).where(eq(s.outbox.firmId, w.firm.id));
    const updated = outbox.filter((o) => o.kind === 'packet_updated');
    expect(updated).toHaveLength(3);
    expect((updated[0].payload as EmailMessage).subject).toMatch(/updated/i);
    await sendQueued(w.firm.id);

    const again = textOf((await a.browser.get(`/p/${packetId}`)).text);
    expect(again).toContain('Updated since you reviewed');
    expect(again).toMatch(/Version 1.*You approved/);
    expect(again).toContain('Ledger addendum');
    const decisions = await db.select().from(s.decision).where(eq(s.decision.packetId, packetId));
    expect(decisions.map((d) => [d.version, d.kind]).sort()).toEqual([
      [1, 'approve'],
      [1, 'question']
    ]);
    // Staff: the approver's row is back to waiting for version 2 ...
    const staffPage = (await staff.get(`/firm/packets/${packetId}`)).text;
    expect(rowOf(staffPage, approver.user.email)).not.toContain('approved');
    // ... and version 1's approval and question are in its history, with when and by whom.
    const history = textOf(staffPage.slice(staffPage.indexOf('Version history')));
    expect(history).toMatch(/^Version history Version 2 current published .+ Version 1 /);
    expect(history).toMatch(
      /Version 1 1 approved · 1 question published \d.+ by Sam Staff to 3 contacts Added Ledger /
    );
    expect(history).toMatch(
      /approved Ada Approver \d[^]*question Vic Viewer \d.+ And the November one\?/
    );
  });

  it('a guest whose access expired gets a 404 and loses every session', async () => {
    const w = await world();
    await postForm(w.browser, `/firm/packets/${w.packetId}?/publish`);
    const guest = await createContact(w.db, w.client, {
      name: 'Gus Guest',
      accessExpiresAt: new Date(Date.now() + 60_000)
    });
    const phone = new TestBrowser();
    const laptop = new TestBrowser();
    await signIn(phone, guest.user.id, 'client');
    await signIn(laptop, guest.user.id, 'client');
    expect((await phone.get(`/p/${w.packetId}`)).status).toBe(200);

    await w.db
      .update(s.clientContact)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(s.clientContact.id, guest.contact.id));
    const gone = await phone.get(`/p/${w.packetId}`);
    expect(gone.status).toBe(404);
    expect(gone.text).not.toContain('Q3 review');
    const sessions = await w.db.select().from(s.session).where(eq(s.session.userId, guest.user.id));
    expect(sessions).toHaveLength(0);
    expect((await laptop.get('/p')).location).toBe('/sign-in?next=%2Fp');
    // Other contacts of the client keep theirs.
    const a = new TestBrowser();
    await signIn(a, w.approver.user.id, 'client');
    expect((await a.get(`/p/${w.packetId}`)).status).toBe(200);
  });
});
