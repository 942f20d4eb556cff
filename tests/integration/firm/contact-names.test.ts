// A person can be a contact of several firms. Each firm knows them by the name it gave
// (client_contact.name): adding someone another firm knows shows and changes nothing of theirs,
// and every staff view and mail of a firm uses that firm's name only.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { addContact } from '../../../src/lib/server/packets/contacts';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn,
  unique
} from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { latestMailTo, mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

const DAY = 86_400_000;

/** Firm B, which knows a contact and a staff member by names nobody else may see. */
async function otherFirm() {
  const db = getDb();
  const secret = unique('Zebulon');
  const b = await createFirmWithStaff(db);
  await db
    .update(s.user)
    .set({ name: `${secret} Staff` })
    .where(eq(s.user.id, b.staff.id));
  const client = await createClient(db, b.firm.id);
  const known = await createContact(db, client, { name: `${secret} Contact` });
  const quiet = await createContact(db, client, { name: `${secret} Quiet` });
  const browser = new TestBrowser();
  await signIn(browser, b.staff.id, 'staff');
  return { ...b, secret, client, known, quiet, browser };
}

/** Whether a page or mail shows the text (so a failure prints the text, not the whole page). */
const shows = (body: string, text: string) => body.includes(text);

const userName = async (id: string) =>
  (await getDb().select().from(s.user).where(eq(s.user.id, id)))[0].name;

describe('contacts are named per firm', () => {
  it("adding another firm's contact or staff shows and changes no name; each firm keeps its own", async () => {
    const b = await otherFirm();
    const a = await staffWorld();
    const page = `/firm/clients/${a.client.id}`;
    for (const [email, name] of [
      [b.known.user.email, 'Xavier Ash'],
      [b.quiet.user.email, ''],
      [b.staff.email, 'Bea Ash']
    ]) {
      const added = await postForm(a.browser, `${page}?/addContact`, {
        email,
        name,
        role: 'approver',
        accessExpiresAt: '',
        invite: '1'
      });
      expect(added.status).toBe(200);
      expect(shows(added.text, `Added ${email} and sent an invitation.`)).toBe(true);
      expect(shows(added.text, b.secret), `adding ${email}`).toBe(false);
    }
    // A CSV import names a contact too, on another client of firm A.
    const imported = await postForm(a.browser, '/firm/clients?/import', {
      csv: `client name,code,contact name,email,role\nImported Ltd,${unique('IMP')},Ivy Import,${b.quiet.user.email},viewer\n`
    });
    expect(imported.status).toBe(200);
    expect(shows(imported.text, b.secret), 'CSV import').toBe(false);

    const mine = await a.browser.get(page);
    expect(shows(mine.text, 'Xavier Ash'), 'firm A: its name').toBe(true);
    expect(shows(mine.text, 'Bea Ash')).toBe(true);
    expect(shows(mine.text, b.quiet.user.email)).toBe(true);
    expect(shows(mine.text, b.secret), 'firm A: firm B’s names').toBe(false);
    const [importedContact] = await getDb()
      .select()
      .from(s.clientContact)
      .innerJoin(s.client, eq(s.client.id, s.clientContact.clientId))
      .where(eq(s.client.name, 'Imported Ltd'))
      .then((rows) => rows.filter((r) => r.client.firmId === a.firm.id));
    expect(importedContact.client_contact.name).toBe('Ivy Import');

    // Nobody was renamed: the accounts and firm B's names are as they were.
    expect(await userName(b.known.user.id)).toBe(`${b.secret} Contact`);
    expect(await userName(b.quiet.user.id)).toBe(`${b.secret} Quiet`);
    expect(await userName(b.staff.id)).toBe(`${b.secret} Staff`);
    const theirs = await b.browser.get(`/firm/clients/${b.client.id}`);
    expect(shows(theirs.text, `${b.secret} Contact`)).toBe(true);
    expect(shows(theirs.text, `${b.secret} Quiet`)).toBe(true);
    for (const name of ['Xavier Ash', 'Ivy Import']) {
      expect(shows(theirs.text, name), `firm B: ${name}`).toBe(false);
    }

    // Firm A's invitation greets them by firm A's name.
    const invite = await latestMailTo(b.known.user.email);
    expect(shows(invite.text, 'Hello Xavier,'), 'invite greeting').toBe(true);
    expect(shows(invite.text + invite.html, b.secret), 'invite').toBe(false);

    // Their own name is theirs: /account shows and changes it, and no firm sees it.
    const self = new TestBrowser();
    await signIn(self, b.known.user.id, 'client');
    expect(shows((await self.get('/account')).text, `${b.secret} Contact`)).toBe(true);
    expect((await self.post('/account?/name', { name: 'Xav Self' })).status).toBe(200);
    expect(await userName(b.known.user.id)).toBe('Xav Self');
    expect(shows((await a.browser.get(page)).text, 'Xav Self'), 'firm A').toBe(false);
    const theirsNow = await b.browser.get(`/firm/clients/${b.client.id}`);
    expect(shows(theirsNow.text, 'Xav Self'), 'firm B').toBe(false);
  });

  it('mails, the dashboard, threads, statuses, history and the audit trail use the firm’s name', async () => {
    const db = getDb();
    const b = await otherFirm();
    const a = await staffWorld();
    await db.update(s.firm).set({ reminderEveryDays: 2 }).where(eq(s.firm.id, a.firm.id));
    const { contact } = await db.transaction((tx) =>
      addContact(tx, a.firm, a.client.id, {
        email: b.known.user.email,
        name: 'Xavier Ash',
        role: 'approver',
        accessExpiresAt: null
      })
    );
    const packet = await createPacket(db, a.client, {
      status: 'draft',
      dueAt: new Date(Date.now() + 30 * DAY)
    });
    await uploadPdf(a.browser, packet.id, 'v1.pdf', await makePdf(1));
    expect((await postForm(a.browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const email = b.known.user.email;
    const ofPacket = async (kind: string) =>
      (await mailsTo(email)).filter(
        (m) => m.kind === kind && (m.metadata as { packetId?: string })?.packetId === packet.id
      );
    const expectGreeting = async (kind: string) => {
      // Reminders are swept database-wide: another file's sweep running at the same moment may
      // be the one that claims this delivery, and its mail lands when that sweep commits.
      await expect
        .poll(async () => (await ofPacket(kind)).length, { timeout: 15_000 })
        .toBeGreaterThan(0);
      const [mail] = await ofPacket(kind);
      expect(mail, kind).toBeDefined();
      expect(shows(mail.text, 'Hello Xavier,'), kind).toBe(true);
      expect(shows(mail.text + mail.html, b.secret), kind).toBe(false);
    };
    await expectGreeting('packet');

    // Not opened yet: the dashboard names them as firm A does.
    const dashboard = await a.browser.get('/firm');
    expect(shows(dashboard.text, 'Xavier Ash'), 'dashboard').toBe(true);
    expect(shows(dashboard.text, b.secret), 'dashboard').toBe(false);

    await sendDueReminders(db, new Date(Date.now() + 2 * DAY + 60_000), { firmId: a.firm.id });
    await expectGreeting('reminder');
    // Reminded moments ago (by the sweep above): a nudge now needs staff to confirm it.
    const nudged = await postForm(a.browser, `/firm/packets/${packet.id}?/nudge`, {
      contactId: contact.id,
      confirm: '1'
    });
    expect(nudged.status).toBe(200);
    await expectGreeting('nudge');

    // They ask a question; a fellow contact of the client sees it under firm A's name.
    const person = new TestBrowser();
    await signIn(person, b.known.user.id, 'client');
    const asked = await person.post(`/p/${packet.id}?/ask`, {
      body: 'Which bank is line 4?',
      version: '1'
    });
    expect(asked.status).toBeLessThan(400);
    const fellow = new TestBrowser();
    await signIn(fellow, a.contacts[0].user.id, 'client');
    const portal = await fellow.get(`/p/${packet.id}`);
    expect(shows(portal.text, 'Which bank is line 4?')).toBe(true);
    expect(shows(portal.text, 'Xavier Ash'), 'fellow contact’s thread').toBe(true);
    expect(shows(portal.text, b.secret), 'fellow contact’s thread').toBe(false);

    // A second version: the first one's question stays in the history under the same name.
    await uploadPdf(a.browser, packet.id, 'v2.pdf', await makePdf(1));
    expect((await postForm(a.browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    await expectGreeting('packet_updated');
    const staffPage = (await a.browser.get(`/firm/packets/${packet.id}`)).text;
    expect(shows(staffPage, 'Which bank is line 4?')).toBe(true);
    expect(shows(staffPage, b.secret), 'staff packet page').toBe(false);
    const text = staffPage.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const history = text.slice(text.indexOf('Version history'));
    expect(history).toMatch(/question Xavier Ash \d/);
    // Thread, contact list and audit trail: "Xavier Ash" in each, nothing of firm B's.
    expect(text.match(/Xavier Ash/g)!.length).toBeGreaterThanOrEqual(4);
  });
});
