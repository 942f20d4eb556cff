import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { MemberError, removeMember } from '../../../src/lib/server/firm/members';
import { formatWeekdayDate } from '../../../src/lib/format/dates';
import { calendarDayIn } from '../../../src/lib/format/time-zone';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  createUser,
  signIn,
  unique
} from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { latestMailTo, linkPathOf, mailsTo } from '../../support/mail';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';
import { formatDay } from '../../../src/lib/format/dates';

const db = () => getDb();
const firmRow = async (id: string) =>
  (await db().select().from(s.firm).where(eq(s.firm.id, id)))[0];
const settingsAudits = (firmId: string) =>
  db()
    .select()
    .from(s.auditEvent)
    .where(and(eq(s.auditEvent.firmId, firmId), eq(s.auditEvent.action, 'firm.settings_updated')));
const membersOf = (firmId: string) =>
  db().select().from(s.membership).where(eq(s.membership.firmId, firmId));

/** A firm with its owner and a staff member each signed in. */
async function ownerWorld() {
  const world = await staffWorld();
  const owner = new TestBrowser();
  await signIn(owner, world.owner.id, 'staff');
  return { ...world, ownerBrowser: owner, staffBrowser: world.browser };
}

const valid = {
  name: 'Birch & Vale LLP',
  brandColor: '#1d4ed8',
  replyTo: 'Office@BirchVale.example',
  timeZone: 'America/New_York',
  reminderEveryDays: '5',
  packetLinkDays: '10',
  linkGraceDays: '3'
};

describe('/firm/settings: the firm profile', () => {
  it('shows the owner the form and saves every field, with an audit entry of what changed', async () => {
    const { firm, ownerBrowser, owner } = await ownerWorld();
    const page = await ownerBrowser.get('/firm/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Save settings');
    expect(page.text).toContain('Invite a colleague');
    expect(page.text).toContain('href="/firm/settings"');

    const saved = await postForm(ownerBrowser, '/firm/settings?/profile', valid);
    expect(saved.status).toBe(200);
    const after = await firmRow(firm.id);
    expect(after).toMatchObject({
      name: 'Birch & Vale LLP',
      brandColor: '#1d4ed8',
      replyTo: 'office@birchvale.example',
      timeZone: 'America/New_York',
      reminderEveryDays: 5,
      packetLinkDays: 10,
      linkGraceDays: 3
    });
    const [audit] = await settingsAudits(firm.id);
    expect(audit.actorId).toBe(owner.id);
    expect(audit.data).toMatchObject({
      name: { from: firm.name, to: 'Birch & Vale LLP' },
      timeZone: { from: 'UTC', to: 'America/New_York' },
      reminderEveryDays: { from: 3, to: 5 },
      packetLinkDays: { from: 7, to: 10 },
      linkGraceDays: { from: 7, to: 3 }
    });

    // The app bar and the page use the new name and colour; an empty reply-to clears it.
    const again = await ownerBrowser.get('/firm/settings');
    expect(again.text).toContain('--firm-brand: #1d4ed8');
    expect(again.text).toContain('Birch &amp; Vale LLP');
    await postForm(ownerBrowser, '/firm/settings?/profile', { ...valid, replyTo: '' });
    expect((await firmRow(firm.id)).replyTo).toBeNull();
    // Saving the same values again records nothing new.
    await postForm(ownerBrowser, '/firm/settings?/profile', { ...valid, replyTo: '' });
    expect(await settingsAudits(firm.id)).toHaveLength(2);
  });

  it.each([
    ['name', '', 'Enter the firm’s name.'],
    ['brandColor', '#ffd60a', 'White text is hard to read on #ffd60a'],
    ['brandColor', '#f80', 'White text is hard to read on #ff8800'],
    ['brandColor', 'blue', 'Enter a colour as # and six hex digits'],
    ['replyTo', 'not-an-address', 'Enter an email address like office@example.com'],
    ['timeZone', 'Mars/Olympus_Mons', 'Choose a time zone from the list.'],
    ['timeZone', '', 'Choose a time zone from the list.'],
    ['reminderEveryDays', '31', 'from 0 (off) to 30'],
    ['reminderEveryDays', '-1', 'from 0 (off) to 30'],
    ['reminderEveryDays', '2.5', 'from 0 (off) to 30'],
    ['packetLinkDays', '0', 'from 1 to 45'],
    ['packetLinkDays', '46', 'from 1 to 45'],
    ['packetLinkDays', '', 'from 1 to 45'],
    ['linkGraceDays', '31', 'from 0 (none) to 30'],
    ['linkGraceDays', '-1', 'from 0 (none) to 30'],
    ['linkGraceDays', '1.5', 'from 0 (none) to 30'],
    ['linkGraceDays', '', 'from 0 (none) to 30']
  ])('refuses %s = "%s" with a message and changes nothing', async (field, value, message) => {
    const { firm, ownerBrowser } = await ownerWorld();
    const before = await firmRow(firm.id);
    const r = await postForm(ownerBrowser, '/firm/settings?/profile', { ...valid, [field]: value });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Nothing was saved');
    expect(r.text.replaceAll('&#39;', "'")).toContain(message);
    expect(r.text).toContain(`id="f-${field}-error"`);
    expect(await firmRow(firm.id)).toEqual(before);
    expect(await settingsAudits(firm.id)).toHaveLength(0);
  });

  it('lists zones by current names and shows a stored legacy name as its current one', async () => {
    const { firm, ownerBrowser } = await ownerWorld();
    await db().update(s.firm).set({ timeZone: 'Asia/Calcutta' }).where(eq(s.firm.id, firm.id));
    const page = await ownerBrowser.get('/firm/settings');
    expect(page.text).toMatch(/<option value="Asia\/Kolkata"[^>]*selected/);
    expect(page.text).toMatch(/<option value="Europe\/Kyiv"[^>]*>Kyiv</);
    expect(page.text).toMatch(/<option value="Asia\/Ho_Chi_Minh"[^>]*>Ho Chi Minh</);
    expect(page.text).not.toMatch(/Calcutta|Kiev|Saigon/);
    // Saved under its current name; the old one keeps working for dates meanwhile.
    await postForm(ownerBrowser, '/firm/settings?/profile', { ...valid, timeZone: 'Asia/Saigon' });
    expect((await firmRow(firm.id)).timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('takes the longest link lifetime and no grace, and shows both to other staff', async () => {
    const { firm, ownerBrowser, staffBrowser } = await ownerWorld();
    const form = await ownerBrowser.get('/firm/settings');
    expect(form.text).toContain('Link grace after the due date (days)');
    expect(form.text).toMatch(
      /name="linkGraceDays"[^>]*value="7"|value="7"[^>]*name="linkGraceDays"/
    );
    const saved = await postForm(ownerBrowser, '/firm/settings?/profile', {
      ...valid,
      packetLinkDays: '45',
      linkGraceDays: '0'
    });
    expect(saved.status).toBe(200);
    expect(await firmRow(firm.id)).toMatchObject({ packetLinkDays: 45, linkGraceDays: 0 });
    const page = textOf((await staffBrowser.get('/firm/settings')).text);
    expect(page).toContain('Packet links last 45 days at least');
    expect(page).toContain('Link grace after the due date 0 days');
  });

  it('shows other staff the settings read-only and answers 403 to every owner action', async () => {
    const { firm, owner, staffBrowser } = await ownerWorld();
    const page = await staffBrowser.get('/firm/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Only an owner of the firm can change these.');
    expect(page.text).not.toContain('Save settings');
    expect(page.text).not.toContain('Invite a colleague');
    expect(page.text).toContain(owner.email);

    const before = await firmRow(firm.id);
    const members = await membersOf(firm.id);
    const ownerMembership = members.find((m) => m.userId === owner.id)!;
    const posts: [string, Record<string, string>][] = [
      ['/firm/settings?/profile', valid],
      ['/firm/settings?/approvalRule', { approvalRule: 'all' }],
      ['/firm/settings?/invite', { name: 'Eve', email: `${unique('eve')}@example.test` }],
      ['/firm/settings?/remove', { memberId: ownerMembership.id }],
      ['/firm/settings?/makeOwner', { memberId: ownerMembership.id }]
    ];
    for (const [path, form] of posts) {
      expect((await postForm(staffBrowser, path, form)).status, path).toBe(403);
    }
    expect(await firmRow(firm.id)).toEqual(before);
    expect(await membersOf(firm.id)).toEqual(members);
  });

  it("answers 404 for another firm's member ids, to owners and staff alike", async () => {
    const mine = await ownerWorld();
    const theirs = await createFirmWithStaff(db());
    const theirMembers = await membersOf(theirs.firm.id);
    for (const browser of [mine.ownerBrowser, mine.staffBrowser]) {
      for (const m of theirMembers) {
        for (const action of ['remove', 'makeOwner']) {
          const r = await postForm(browser, `/firm/settings?/${action}`, { memberId: m.id });
          expect(r.status, action).toBe(404);
        }
      }
      const r = await postForm(browser, '/firm/settings?/remove', { memberId: 'not-a-uuid' });
      expect(r.status).toBe(404);
    }
    expect(await membersOf(theirs.firm.id)).toEqual(theirMembers);
    expect((await mine.ownerBrowser.get('/firm/settings')).text).not.toContain(theirs.owner.email);
  });
});

describe('/firm/settings: staff members', () => {
  it('invites a colleague: membership, a branded mail in the outbox, a link that signs them in to /firm', async () => {
    const { firm, ownerBrowser } = await ownerWorld();
    await postForm(ownerBrowser, '/firm/settings?/profile', { ...valid, brandColor: '#7c2d12' });
    const email = `${unique('nia')}@example.test`;
    const bad = await postForm(ownerBrowser, '/firm/settings?/invite', { name: '', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter your colleague’s name.');

    const r = await postForm(ownerBrowser, '/firm/settings?/invite', {
      name: 'Nia Newcomer',
      email: email.toUpperCase()
    });
    expect(r.status).toBe(200);
    const [person] = await db().select().from(s.user).where(eq(s.user.email, email));
    expect(person.name).toBe('Nia Newcomer');
    const [membership] = await db()
      .select()
      .from(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, person.id)));
    expect(membership.role).toBe('staff');
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail).toMatchObject({
      kind: 'invite',
      firmId: firm.id,
      replyTo: 'office@birchvale.example'
    });
    expect(mail.subject).toContain('Birch & Vale LLP');
    expect(mail.html).toContain('background:#7c2d12');
    expect(mail.text).toMatch(/This link works until .+ E[SD]T\./);
    const [link] = await db()
      .select()
      .from(s.magicLink)
      .where(eq(s.magicLink.userId, person.id))
      .orderBy(desc(s.magicLink.createdAt));
    expect(link).toMatchObject({ purpose: 'invite', redirectTo: '/firm', firmId: firm.id });

    const listed = await ownerBrowser.get('/firm/settings');
    expect(listed.text).toContain(email);
    expect(listed.text).toContain('invited, not signed in yet');

    const colleague = new TestBrowser();
    expect((await colleague.get(linkPathOf(mail))).status).toBe(200);
    const signedIn = await colleague.post(linkPathOf(mail));
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/firm');
    const dashboard = await colleague.get('/firm');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Birch &amp; Vale LLP');
    const sessions = await db().select().from(s.session).where(eq(s.session.userId, person.id));
    expect(sessions.map((x) => x.kind)).toEqual(['staff']);
    // Staff, not owner: the settings are read-only for them.
    expect((await colleague.get('/firm/settings')).text).not.toContain('Save settings');
    expect((await ownerBrowser.get('/firm/settings')).text).not.toContain(
      'invited, not signed in yet'
    );

    // Inviting them again says so and sends nothing.
    const again = await postForm(ownerBrowser, '/firm/settings?/invite', { name: 'Nia', email });
    expect(again.status).toBe(400);
    expect(again.text).toContain(`${email} is already a member of Birch &amp; Vale LLP.`);
    expect(await mailsTo(email)).toHaveLength(1);
    // A member of another firm is refused too, in words that do not say so.
    const other = await createFirmWithStaff(db());
    const elsewhere = await postForm(ownerBrowser, '/firm/settings?/invite', {
      name: 'Sam',
      email: other.staff.email
    });
    expect(elsewhere.status).toBe(400);
    const refusal = `${other.staff.email} cannot be added to Birch &amp; Vale LLP.`;
    expect(elsewhere.text.includes(refusal), refusal).toBe(true);
    for (const hint of ['another firm', 'already staff', 'already a member', other.firm.name]) {
      expect(elsewhere.text.includes(hint), hint).toBe(false);
    }
    expect(await membersOf(other.firm.id)).toHaveLength(2);
    expect(await mailsTo(other.staff.email)).toHaveLength(0);
  });

  it("invites another firm's contact under the name given here, never the one they had", async () => {
    const { ownerBrowser, firm } = await ownerWorld();
    const other = await createFirmWithStaff(db());
    const secret = unique('Zebulon');
    const { user: person } = await createContact(db(), await createClient(db(), other.firm.id), {
      name: `${secret} Elsewhere`
    });
    const r = await postForm(ownerBrowser, '/firm/settings?/invite', {
      name: 'Pat Newhire',
      email: person.email
    });
    expect(r.status).toBe(200);
    expect(r.text.includes(secret), 'invite answer').toBe(false);
    const listed = (await ownerBrowser.get('/firm/settings')).text;
    expect(listed.includes('Pat Newhire'), 'member list: the name given here').toBe(true);
    expect(listed.includes(secret), 'member list: the other firm’s name').toBe(false);
    expect((await membersOf(firm.id)).map((m) => m.userId)).toContain(person.id);
    // The other firm still knows them by its own name.
    const [contact] = await db()
      .select()
      .from(s.clientContact)
      .where(eq(s.clientContact.userId, person.id));
    expect(contact.name).toBe(`${secret} Elsewhere`);
  });

  it('removes a member: their next request to /firm is refused, their unused invite is dead', async () => {
    const { firm, ownerBrowser, staff, staffBrowser } = await ownerWorld();
    expect((await staffBrowser.get('/firm')).status).toBe(200);
    const email = `${unique('tmp')}@example.test`;
    await postForm(ownerBrowser, '/firm/settings?/invite', { name: 'Tim Temp', email });
    const invite = await latestMailTo(email);
    const members = await membersOf(firm.id);

    const staffMember = members.find((m) => m.userId === staff.id)!;
    const removed = await postForm(ownerBrowser, '/firm/settings?/remove', {
      memberId: staffMember.id
    });
    expect(removed.status).toBe(200);
    const refused = await staffBrowser.get('/firm');
    expect(refused.status).not.toBe(200);
    expect([303, 404]).toContain(refused.status);
    // They had no other access, so every session of theirs ended.
    expect(await db().select().from(s.session).where(eq(s.session.userId, staff.id))).toEqual([]);

    const [tim] = await db().select().from(s.user).where(eq(s.user.email, email));
    const temp = members.find((m) => m.userId === tim.id)!;
    await postForm(ownerBrowser, '/firm/settings?/remove', { memberId: temp.id });
    const late = new TestBrowser();
    await late.post(linkPathOf(invite));
    expect((await late.get('/firm')).status).not.toBe(200);

    const audit = await db()
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'member.removed')));
    expect(audit).toHaveLength(2);
  });

  it('keeps a removed member who is also a client contact out of /firm, but in /p', async () => {
    const { firm, ownerBrowser, client, db: d } = await ownerWorld();
    const colleague = await createUser(d, { name: 'Cara Both' });
    const [m] = await d
      .insert(s.membership)
      .values({ firmId: firm.id, userId: colleague.id, role: 'staff' })
      .returning();
    await d
      .insert(s.clientContact)
      .values({ firmId: firm.id, clientId: client.id, userId: colleague.id });
    const browser = new TestBrowser();
    await signIn(browser, colleague.id, 'staff');
    expect((await browser.get('/firm')).status).toBe(200);
    await postForm(ownerBrowser, '/firm/settings?/remove', { memberId: m.id });
    expect((await browser.get('/firm')).status).toBe(404);
    expect((await browser.get('/firm/settings')).status).toBe(404);
    expect((await browser.get('/p')).status).toBe(200);
  });

  it('never removes yourself or the last owner; makes another member owner', async () => {
    const { firm, owner, staff, ownerBrowser, staffBrowser } = await ownerWorld();
    const members = await membersOf(firm.id);
    const mine = members.find((m) => m.userId === owner.id)!;
    const theirs = members.find((m) => m.userId === staff.id)!;

    const self = await postForm(ownerBrowser, '/firm/settings?/remove', { memberId: mine.id });
    expect(self.status).toBe(400);
    expect(self.text).toContain('You cannot remove yourself.');
    // The service refuses the last owner whoever asks.
    await expect(
      getDb().transaction((tx) => removeMember(tx, firm.id, mine.id, { id: staff.id, name: '' }))
    ).rejects.toThrow(MemberError);
    expect(await membersOf(firm.id)).toHaveLength(2);

    const made = await postForm(ownerBrowser, '/firm/settings?/makeOwner', { memberId: theirs.id });
    expect(made.status).toBe(200);
    expect((await membersOf(firm.id)).find((m) => m.id === theirs.id)!.role).toBe('owner');
    // Two owners: the new one may remove the first.
    expect((await staffBrowser.get('/firm/settings')).text).toContain('Save settings');
    const r = await postForm(staffBrowser, '/firm/settings?/remove', { memberId: mine.id });
    expect(r.status).toBe(200);
    expect((await membersOf(firm.id)).map((m) => m.userId)).toEqual([staff.id]);
    expect((await ownerBrowser.get('/firm')).status).not.toBe(200);
  });
});

describe("the firm's time zone", () => {
  it('words the link expiry and due date of a packet mail in it, and staff times show the zone', async () => {
    const { firm, ownerBrowser, client, contacts } = await ownerWorld();
    await postForm(ownerBrowser, '/firm/settings?/profile', valid);
    expect((await firmRow(firm.id)).timeZone).toBe('America/New_York');
    // A due date entered as 2 Dec is the end of 2 Dec in New York.
    const created = await postForm(ownerBrowser, '/firm/packets/new', {
      clientId: client.id,
      title: 'Year end',
      period: '2026-Q4',
      note: '',
      dueAt: '2026-12-02'
    });
    expect(created.status).toBe(303);
    const packetId = created.location!.split('/').pop()!;
    const [p] = await db().select().from(s.packet).where(eq(s.packet.id, packetId));
    expect(p.dueAt?.toISOString()).toBe('2026-12-03T04:59:59.000Z');
    await addDocument(db(), p);
    expect((await postForm(ownerBrowser, `/firm/packets/${packetId}?/publish`)).status).toBe(200);

    const mail = await latestMailTo(contacts[0].user.email);
    const [link] = await db()
      .select()
      .from(s.magicLink)
      .where(and(eq(s.magicLink.packetId, packetId), eq(s.magicLink.userId, contacts[0].user.id)));
    const ny = 'America/New_York';
    // A packet link ends with a day in the firm's zone, and the mail names that day.
    const nextSecond = new Date(link.expiresAt.getTime() + 1000);
    expect(calendarDayIn(nextSecond, ny)).not.toBe(calendarDayIn(link.expiresAt, ny));
    const expected = `This link works until ${formatWeekdayDate(link.expiresAt, ny)}.`;
    expect(mail.text).toContain(expected);
    expect(mail.html).toContain(expected);
    expect(mail.text).toContain('Please review and approve them by Wed 2 Dec 2026.');
    expect(mail.text).not.toContain('UTC');

    const page = await ownerBrowser.get(`/firm/packets/${packetId}`);
    expect(page.text).toMatch(/published \d{1,2} \w{3}, \d{2}:\d{2} E[SD]T/);
    expect(page.text).toContain('due 2 Dec 2026');
    expect(page.text).not.toMatch(/\d{2}:\d{2} UTC/);
  });

  it("shows a client the due date as the firm's calendar day", async () => {
    const { firm, client, contacts } = await ownerWorld();
    await db()
      .update(s.firm)
      .set({ timeZone: 'America/Los_Angeles' })
      .where(eq(s.firm.id, firm.id));
    // 18:00 on 2 Dec in Los Angeles is already 3 Dec in UTC.
    const p = await createPacket(db(), client, { dueAt: new Date('2026-12-03T02:00:00Z') });
    const contact = new TestBrowser();
    await signIn(contact, contacts[0].user.id, 'client');
    const page = await contact.get(`/p/${p.id}`);
    expect(page.status).toBe(200);
    // "Was due 2 Dec 2026" now; before that day, "Due in N days (2 Dec 2026)".
    expect(page.text).toContain('2 Dec 2026');
    expect(page.text).not.toContain('3 Dec 2026');
    // The inbox card words it the same way (a date far enough ahead to be named, not counted):
    // 02:00 UTC is the evening before in Los Angeles.
    const later = new Date(Date.now() + 60 * 86_400_000);
    later.setUTCHours(2, 0, 0, 0);
    await createPacket(db(), client, { title: 'Later', dueAt: later });
    const dayBefore = new Date(later.getTime() - 86_400_000).toISOString().slice(0, 10);
    const inbox = await contact.get('/p');
    expect(inbox.text).toContain(`Due ${formatDay(dayBefore)}`);
    expect(inbox.text).not.toContain(formatDay(later.toISOString().slice(0, 10)));
  });

  it('words the sign-in mail of a contact in it', async () => {
    const { firm, db: d, client } = await ownerWorld();
    await d.update(s.firm).set({ timeZone: 'Europe/Berlin' }).where(eq(s.firm.id, firm.id));
    const { user } = await createContact(d, client, { name: 'Bea Berlin' });
    const r = await new TestBrowser().post('/sign-in', { email: user.email });
    expect(r.status).toBeLessThan(400);
    const mail = await latestMailTo(user.email);
    expect(mail.text).toMatch(/until \d{2}:\d{2} CES?T\./);
  });
});
