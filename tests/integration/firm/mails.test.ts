// Issue 19's safe consequential actions and mails, through the staff routes: the publish
// confirm step lists exactly who is mailed, nudges cool down for 24 hours, adding a contact
// mails nobody by itself, and the invite names a business ending in a full stop once.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { importClientsCsv } from '../../../src/lib/server/packets/csv-import';
import { createContact, createPacket, makePdf, unique } from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { mailsTo } from '../../support/mail';
import { selectOutbox } from '../../support/outbox';

type Db = Awaited<ReturnType<typeof staffWorld>>['db'];

// In the order they were written (PostgreSQL returns rows in no promised order).
const outboxOfFirm = async (db: Db, firmId: string) =>
  selectOutbox(db).where(eq(s.outbox.firmId, firmId)).orderBy(s.outbox.id);
const toOf = (rows: { payload: unknown }[]) =>
  rows.map((r) => (r.payload as { to: string }).to).sort();
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('publish confirm', () => {
  it('lists who will be mailed and who not, with why, and publish mails exactly that list', async () => {
    const { db, browser, firm, client, contacts } = await staffWorld();
    const gone = await createContact(db, client, {
      name: 'Gus Guest',
      accessExpiresAt: new Date(Date.now() - 60_000)
    });
    const bouncer = await createContact(db, client, { name: 'Bo Bounce' });
    // Bo's mail for an earlier packet hard-bounced.
    const earlier = await createPacket(db, client, { title: 'Earlier' });
    await db.insert(s.delivery).values({
      firmId: firm.id,
      packetId: earlier.id,
      version: 1,
      contactId: bouncer.contact.id,
      status: 'bounced',
      statusDetail: 'Hard bounce: mailbox does not exist'
    });
    const packet = await createPacket(db, client, {
      status: 'draft',
      period: '2026-Q3',
      title: 'Quarterly review'
    });
    await uploadPdf(browser, packet.id, 'Bank_statements.pdf', await makePdf(3));

    // Without JavaScript the Publish button asks for this page: the confirm step in place.
    const confirm = await browser.get(`/firm/packets/${packet.id}?publish=confirm`);
    expect(confirm.status).toBe(200);
    const step = textOf(confirm.text.slice(confirm.text.indexOf('id="publish-confirm"')));
    expect(step).toContain(
      `Subject for approvers: ${firm.name}: Q3 2026 Quarterly review for Acme Bakery is ready to review`
    );
    expect(step).toContain(
      `Subject for viewers: ${firm.name}: Q3 2026 Quarterly review for Acme Bakery, for your information`
    );
    expect(step).toContain('Emailed (2)');
    expect(step).toMatch(/Ada Approver .* approver/);
    expect(step).toMatch(/Vic Viewer .* viewer/);
    expect(step).toContain('Not emailed (2)');
    expect(step).toContain('Gus Guest');
    expect(step).toMatch(/Access ended \d+ \w+ \d{4}\./);
    expect(step).toContain(
      'The last email to this address bounced (Hard bounce: mailbox does not exist).'
    );
    expect(step).toContain('Publish and send 2 emails');
    // Looking sends nothing.
    expect(await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id))).toEqual(
      []
    );

    const published = await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    expect(published.status).toBe(200);
    expect(textOf(published.text)).toContain(
      'Published — 2 emails on the way. 2 contacts not emailed.'
    );
    const mails = (await outboxOfFirm(db, firm.id)).filter(
      (m) => (m.payload as { metadata?: { packetId?: string } }).metadata?.packetId === packet.id
    );
    expect(toOf(mails)).toEqual(contacts.map((c) => c.user.email).sort());
    expect(toOf(mails)).not.toContain(gone.user.email);
    expect(toOf(mails)).not.toContain(bouncer.user.email);
    // The approver's mail lists the document by its display name, with its page count.
    const ada = mails.find((m) => (m.payload as { to: string }).to === contacts[0].user.email)!;
    expect((ada.payload as { text: string }).text).toContain('• Bank statements (3 pages)');
  });

  it('a title with a newline cannot add a mail header', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const packet = await createPacket(db, client, {
      status: 'draft',
      title: 'Review\r\nBcc: someone@evil.test'
    });
    await uploadPdf(browser, packet.id, 'a.pdf', await makePdf(1));
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const subjects = (await outboxOfFirm(db, firm.id)).map(
      (m) => (m.payload as { subject: string }).subject
    );
    expect(subjects.length).toBeGreaterThan(0);
    for (const subject of subjects) {
      expect(subject).not.toMatch(/[\r\n]/);
      expect(subject).toContain('Review Bcc: someone@evil.test');
    }
  });
});

describe('nudge cooldown', () => {
  it('refuses a second nudge within 24 hours without confirm, sends with it; "all" skips', async () => {
    const { db, browser, firm, client, contacts } = await staffWorld();
    const bea = await createContact(db, client, { name: 'Bea Approver' });
    const packet = await createPacket(db, client, { status: 'draft' });
    await uploadPdf(browser, packet.id, 'a.pdf', await makePdf(1));
    await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    const ada = contacts[0];
    const nudges = async () => (await outboxOfFirm(db, firm.id)).filter((m) => m.kind === 'nudge');
    const nudge = (form: Record<string, string>) =>
      postForm(browser, `/firm/packets/${packet.id}?/nudge`, form);

    expect((await nudge({ contactId: ada.contact.id })).status).toBe(200);
    expect(await nudges()).toHaveLength(1);

    // Again at once: refused, says when the last one went, and sends nothing.
    const again = await nudge({ contactId: ada.contact.id });
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain(
      'Last reminded just now (Ada Approver). Send another now?'
    );
    // The page answers with the confirm in place (works without JavaScript).
    expect(textOf(again.text)).toContain('Yes, send now');
    expect(await nudges()).toHaveLength(1);
    const [delivery] = await db
      .select()
      .from(s.delivery)
      .where(and(eq(s.delivery.packetId, packet.id), eq(s.delivery.contactId, ada.contact.id)));
    expect(delivery.reminders).toBe(1);

    // Confirmed: it goes.
    expect((await nudge({ contactId: ada.contact.id, confirm: '1' })).status).toBe(200);
    expect(await nudges()).toHaveLength(2);

    // Everyone: Bea goes, Ada (reminded just now) is skipped and counted, the viewer is not asked.
    const all = await nudge({});
    expect(all.status).toBe(200);
    expect(textOf(all.text)).toContain(
      'Sent a fresh link to 1 contact. Skipped 1 reminded in the last 24 hours.'
    );
    expect(toOf((await nudges()).slice(-1))).toEqual([bea.user.email]);
    // Now everyone still to decide was reminded: nothing goes, and the page says why.
    const none = await nudge({});
    expect(textOf(none.text)).toContain(
      'Nobody emailed: all 2 still to review were reminded in the last 24 hours.'
    );
    expect(await nudges()).toHaveLength(3);

    // A day later Bea's cooldown is over: the page says when, and a plain nudge goes.
    await db
      .update(s.delivery)
      .set({ lastRemindedAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(s.delivery.contactId, bea.contact.id));
    const page = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(page).toContain('Last reminded 25 hours ago');
    expect(page).toContain('Last reminded just now');
    expect((await nudge({ contactId: bea.contact.id })).status).toBe(200);
  });
});

describe('adding a contact', () => {
  it('mails nobody by itself; "Send an invite now" sends one, naming "Co." once', async () => {
    const { db, browser, firm } = await staffWorld();
    const [coffee] = await db
      .insert(s.client)
      .values({ firmId: firm.id, name: 'Brightwater Coffee Co.', code: unique('BW') })
      .returning();
    const page = `/firm/clients/${coffee.id}`;
    const form = (email: string, extra: Record<string, string> = {}) => ({
      email,
      name: 'Nell Newcomer',
      role: 'approver',
      accessExpiresAt: '',
      ...extra
    });
    // The form offers the invite, unticked, since nothing is published to this client yet.
    const shown = (await browser.get(page)).text;
    expect(shown).toMatch(/<input type="checkbox" name="invite" value="1"(?![^>]*checked)/);

    const quiet = `${unique('quiet')}@example.test`;
    const added = await postForm(browser, `${page}?/addContact`, form(quiet));
    expect(added.status).toBe(200);
    expect(textOf(added.text)).toContain(`Added ${quiet}. No email was sent.`);
    expect(await mailsTo(quiet)).toEqual([]);

    const invited = `${unique('invited')}@example.test`;
    const sent = await postForm(browser, `${page}?/addContact`, form(invited, { invite: '1' }));
    expect(textOf(sent.text)).toContain(`Added ${invited} and sent an invitation.`);
    const mails = await mailsTo(invited);
    expect(mails.map((m) => m.kind)).toEqual(['invite']);
    expect(mails[0].text).toContain('added you as a contact for Brightwater Coffee Co. Sheaf is');
    expect(mails[0].text + mails[0].html).not.toContain('Co..');
    expect(mails[0].text).toContain(
      `You get this because ${firm.name} is your bookkeeper and added you as a contact for Brightwater Coffee Co.\n`
    );
  });

  it('offers the published packet to a contact added later, and sends it when ticked', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const packet = await createPacket(db, client, {
      status: 'draft',
      period: '2026-Q3',
      title: 'Quarterly review'
    });
    await uploadPdf(browser, packet.id, 'a.pdf', await makePdf(1));
    await postForm(browser, `/firm/packets/${packet.id}?/publish`);
    const page = `/firm/clients/${client.id}`;
    const shown = textOf((await browser.get(page)).text);
    expect(shown).toContain('Send them the published packet now: Q3 2026 · Quarterly review');

    const late = `${unique('late')}@example.test`;
    const added = await postForm(browser, `${page}?/addContact`, {
      email: late,
      name: 'Lee Late',
      role: 'approver',
      accessExpiresAt: '',
      sendPackets: '1'
    });
    expect(textOf(added.text)).toContain(`Added ${late} and sent the published packet.`);
    const mails = await mailsTo(late);
    expect(mails.map((m) => m.kind)).toEqual(['packet']);
    expect(mails[0].subject).toBe(
      `${firm.name}: Q3 2026 Quarterly review for Acme Bakery is ready to review`
    );
    const [delivery] = await db
      .select()
      .from(s.delivery)
      .innerJoin(s.clientContact, eq(s.clientContact.id, s.delivery.contactId))
      .innerJoin(s.user, eq(s.user.id, s.clientContact.userId))
      .where(and(eq(s.delivery.packetId, packet.id), eq(s.user.email, late)));
    expect(delivery.delivery).toMatchObject({ version: 1 });
    expect(delivery.delivery.outboxId).not.toBeNull();
  });

  it('a CSV import mails nobody, through the page or the service', async () => {
    const { browser, firm } = await staffWorld();
    const emails = [`${unique('csv')}@example.test`, `${unique('csv')}@example.test`];
    const csv =
      'client name,code,contact name,email,role\n' +
      `Pine,${unique('PINE')},Pat,${emails[0]},approver\n`;
    expect((await postForm(browser, '/firm/clients?/import', { csv })).status).toBe(200);
    await importClientsCsv(
      getDb(),
      firm,
      `client name,code,contact name,email,role\nOak,${unique('OAK')},Olga,${emails[1]},viewer\n`
    );
    for (const email of emails) expect(await mailsTo(email), email).toEqual([]);
  });
});
