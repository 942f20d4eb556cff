import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { addDocument, createContact, createPacket, makePdf } from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { selectOutbox } from '../../support/outbox';

const outboxFor = async (db: ReturnType<typeof Object>, packetId: string) =>
  (await selectOutbox(db as import('../../../src/lib/server/db/client').Db)).filter(
    (o) => (o.payload as { metadata?: { packetId?: string } }).metadata?.packetId === packetId
  );

describe('publishing a packet', () => {
  it('refuses to publish with no documents and changes nothing', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const response = await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Add at least one PDF before publishing.');
    const [after] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(after).toMatchObject({ status: 'draft', version: 0 });
    expect(await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id))).toEqual(
      []
    );
    expect(await outboxFor(db, packet.id)).toEqual([]);
  });

  it('writes the status, a delivery and a linked mail per contact in one go', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft', period: '2026-Q3' });
    await uploadPdf(browser, packet.id, 'statements.pdf', await makePdf(2));
    const response = await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    expect(response.status).toBe(200);

    const [after] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(after).toMatchObject({ status: 'published', version: 1 });
    const deliveries = await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id));
    expect(deliveries).toHaveLength(2);
    const mails = await outboxFor(db, packet.id);
    expect(mails.map((m) => (m.payload as { to: string }).to).sort()).toEqual(
      contacts.map((c) => c.user.email).sort()
    );
    for (const d of deliveries) {
      const mail = mails.find((m) => m.id === d.outboxId)!;
      const payload = mail.payload as { subject: string; text: string; metadata: object };
      expect(payload.metadata).toEqual({ packetId: packet.id, deliveryId: d.id });
      expect(payload.subject).toContain('Q3 2026');
      expect(payload.text).toMatch(/\/l\/[A-Za-z0-9_-]+/);
    }
    const links = await db
      .select()
      .from(s.magicLink)
      .where(and(eq(s.magicLink.packetId, packet.id), eq(s.magicLink.purpose, 'packet')));
    expect(links).toHaveLength(2);
    expect(links.every((l) => l.redirectTo === `/p/${packet.id}`)).toBe(true);
    const [doc] = await db.select().from(s.document).where(eq(s.document.packetId, packet.id));
    expect(doc.version).toBe(1);

    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain(contacts[0].user.email);
    expect(page.text).toContain('queued');
  });

  it('publishing again makes a new version with "updated" mails and keeps earlier decisions', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await uploadPdf(browser, packet.id, 'v1.pdf', await makePdf(1));
    await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    await db.insert(s.decision).values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: 1,
      contactId: contacts[0].contact.id,
      kind: 'approve'
    });
    await uploadPdf(browser, packet.id, 'v2-extra.pdf', await makePdf(1));
    const response = await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    expect(response.status).toBe(200);
    const [after] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(after.version).toBe(2);
    const v2 = await db
      .select()
      .from(s.delivery)
      .where(and(eq(s.delivery.packetId, packet.id), eq(s.delivery.version, 2)));
    expect(v2).toHaveLength(2);
    const updated = (await outboxFor(db, packet.id)).filter((m) => m.kind === 'packet_updated');
    expect(updated).toHaveLength(2);
    expect((updated[0].payload as { subject: string }).subject).toMatch(/updated/);
    const decisions = await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id));
    expect(decisions).toHaveLength(1);
    // Staff see version 1's approval in the packet's version history.
    const page = (await browser.get(`/firm/packets/${packet.id}`)).text;
    expect(page).toContain('Version history');
    const history = page
      .slice(page.indexOf('Version history'))
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    expect(history).toMatch(/Version 1 1 approved published .+ to 2 contacts/);
    expect(history).toMatch(/approved Ada Approver \d/);
  });

  it('previews the email before publishing: subject, period, note, and "updated" after v1', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const packet = await createPacket(db, client, {
      status: 'draft',
      period: '2026-Q3',
      title: 'Quarterly review',
      note: 'Please check the bank lines <b>before</b> Friday.',
      dueAt: new Date('2026-12-01T23:59:00Z')
    });
    await addDocument(db, packet);
    /** The preview sheet: its subject line, the HTML mail (srcdoc) and the plain text. */
    const preview = async () => {
      const html = (await browser.get(`/firm/packets/${packet.id}`)).text;
      const sheet = html.slice(html.indexOf('Email preview'));
      const unescape = (t: string) =>
        t
          .replace(/<[^>]+>/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
      return {
        subject: unescape(/Subject:<\/span>\s*([^<]+)</.exec(sheet)?.[1] ?? '').trim(),
        srcdoc: unescape(/srcdoc="([^"]*)"/.exec(sheet)?.[1] ?? ''),
        text: unescape(/<pre[^>]*>([\s\S]*?)<\/pre>/.exec(sheet)?.[1] ?? '')
      };
    };

    const first = await preview();
    expect(first.subject).toBe(
      `${firm.name}: Q3 2026 Quarterly review for Acme Bakery is ready to review`
    );
    expect(first.text).toContain(`Q3 2026 Quarterly review is ready`);
    // The business, the firm and the documents by display name with their page counts.
    expect(first.text).toContain(`${firm.name} has sent you the documents for Acme Bakery.`);
    expect(first.text).toMatch(/Document:\n• .+ \(\d+ pages?\)/);
    expect(first.text).toContain(
      `Note from ${firm.name}: Please check the bank lines <b>before</b> Friday.`
    );
    expect(first.text).toContain('Please review and approve them by Tue 1 Dec 2026.');
    // The HTML mail shows the note as text, never as markup.
    expect(first.srcdoc).toMatch(/bank lines (&lt;|&#60;)b(&gt;|&#62;)before/);
    expect(first.srcdoc).not.toContain('<b>before');
    expect(first.srcdoc).toContain('Q3 2026 Quarterly review');
    // A preview sends nothing and issues no link.
    expect(await outboxFor(db, packet.id)).toEqual([]);
    expect(await db.select().from(s.magicLink).where(eq(s.magicLink.packetId, packet.id))).toEqual(
      []
    );

    // After version 1, the preview is the "updated" mail, with the edited details.
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const saved = await postForm(browser, `/firm/packets/${packet.id}?/update`, {
      title: 'Quarterly review',
      period: '2026-Q4',
      note: 'The October invoice is now in.',
      dueAt: ''
    });
    // Saved, the details show as details again; only a refusal keeps the form open.
    expect(saved.status).toBe(200);
    expect(saved.text).not.toContain('Save details');
    const refused = await postForm(browser, `/firm/packets/${packet.id}?/update`, {
      title: '',
      period: '2026-Q4',
      note: '',
      dueAt: ''
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Save details');
    expect(refused.text).toContain('Enter a title.');
    const second = await preview();
    expect(second.subject).toBe(`${firm.name} updated Q4 2026 Quarterly review for Acme Bakery`);
    expect(second.text).toContain('has changed the documents for Acme Bakery. Please take another');
    expect(second.text).toContain(`Note from ${firm.name}: The October invoice is now in.`);
    expect(second.text).not.toContain('approve them by');
    expect(second.srcdoc).toContain('The October invoice is now in.');
  });

  it('refuses when the client has no contact with access', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    for (const c of contacts) {
      await db
        .update(s.clientContact)
        .set({ accessExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(s.clientContact.id, c.contact.id));
    }
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet);
    const response = await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('no contacts with access');
  });

  it('nudges one contact or every approver who has not decided, and replies reach the client', async () => {
    const { db, browser, client, contacts, firm } = await staffWorld();
    // Every approver must approve, so one approval leaves the others waited for (and nudged).
    await db.update(s.firm).set({ approvalRule: 'all' }).where(eq(s.firm.id, firm.id));
    const bea = await createContact(db, client, { name: 'Bea Approver' });
    const packet = await createPacket(db, client, { status: 'draft' });
    await uploadPdf(browser, packet.id, 'a.pdf', await makePdf(1));
    await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    await db.insert(s.decision).values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: 1,
      contactId: contacts[0].contact.id,
      kind: 'approve'
    });
    // Everyone with something to do: the approver approved, and a viewer is never asked.
    const all = await postForm(browser, `/firm/packets/${packet.id}?/nudge`);
    expect(all.status).toBe(200);
    let nudges = (await outboxFor(db, packet.id)).filter((m) => m.kind === 'nudge');
    // Not Ada, who approved, nor Vic, a viewer with nothing to approve.
    expect(nudges.map((m) => (m.payload as { to: string }).to)).toEqual([bea.user.email]);
    const one = await postForm(browser, `/firm/packets/${packet.id}?/nudge`, {
      contactId: contacts[0].contact.id
    });
    expect(one.status).toBe(200);
    nudges = (await outboxFor(db, packet.id)).filter((m) => m.kind === 'nudge');
    expect(nudges).toHaveLength(2);

    const reply = await postForm(browser, `/firm/packets/${packet.id}?/reply`, {
      body: 'The invoice on page 2 is from March.'
    });
    expect(reply.status).toBe(200);
    const replies = (await outboxFor(db, packet.id)).filter((m) => m.kind === 'reply');
    expect(replies).toHaveLength(3);
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('The invoice on page 2 is from March.');
    expect(page.text).toContain('replied to the client');
    const empty = await postForm(browser, `/firm/packets/${packet.id}?/reply`, { body: '  ' });
    expect(empty.status).toBe(400);
  });

  it('creates a packet from the new-packet form and rejects bad input', async () => {
    const { browser, client } = await staffWorld();
    const bad = await postForm(browser, '/firm/packets/new', {
      clientId: client.id,
      title: '',
      period: 'third quarter',
      note: '',
      dueAt: ''
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose a quarter, month or financial year from the list.');
    const ok = await postForm(browser, '/firm/packets/new', {
      clientId: client.id,
      title: 'Quarterly review',
      period: '2026-q3',
      note: 'Please check the bank lines.',
      dueAt: '2026-12-01'
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toMatch(/^\/firm\/packets\/[0-9a-f-]{36}$/);
  });
});
