import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { inviteContact, revokeContactAccess } from '../../../src/lib/server/packets/contact-access';
import { inviteMember } from '../../../src/lib/server/firm/members';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  signIn,
  unique
} from '../../support/factories';
import { latestMailTo, linkPathOf } from '../../support/mail';
import { TestBrowser } from '../../support/server';

const sessionsOf = (userId: string) =>
  getDb().select().from(s.session).where(eq(s.session.userId, userId));

describe('invites', () => {
  it('mail a 7-day invite link that lands in /p with a client session', async () => {
    const { firm, owner } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const { contact, user } = await createContact(getDb(), client);
    const sent = await inviteContact(getDb(), {
      contactId: contact.id,
      firm,
      invitedBy: { id: owner.id, name: 'Olivia Owner' }
    });
    expect(sent).not.toBeNull();
    const mail = await latestMailTo(user.email);
    expect(mail.subject).toContain(firm.name);
    expect(mail.text).toContain('Olivia Owner');
    expect(mail.text).not.toContain('access lasts until');
    const [link] = await getDb().select().from(s.magicLink).where(eq(s.magicLink.id, sent!.linkId));
    const days = (link.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    const browser = new TestBrowser();
    const done = await browser.post(linkPathOf(mail));
    expect(done.location).toBe('/p');
    const [session] = await sessionsOf(user.id);
    expect(session.kind).toBe('client');
  });

  it('tell a guest contact until when their access lasts', async () => {
    const { firm } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const until = new Date(Date.now() + 24 * 3600_000);
    const { contact, user } = await createContact(getDb(), client, { accessExpiresAt: until });
    await inviteContact(getDb(), { contactId: contact.id, firm, invitedBy: null });
    expect((await latestMailTo(user.email)).text).toMatch(/Your access lasts until .*\d{2}:\d{2}/);
  });

  it('carry no 6-digit code: a code only signs in the browser that asked for a link', async () => {
    const { firm, owner } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const { contact, user } = await createContact(getDb(), client);
    await inviteContact(getDb(), { contactId: contact.id, firm, invitedBy: null });
    const colleague = `${unique('colleague')}@example.test`;
    await inviteMember(getDb(), firm, { name: 'Cal Colleague', email: colleague }, owner);
    for (const to of [user.email, colleague]) {
      const mail = await latestMailTo(to);
      expect(mail.text, to).not.toContain('Enter this code');
      expect(mail.html, to).not.toContain('Enter this code');
      expect(mail.text, to).not.toMatch(/\b\d{6}\b/);
      expect(mail.text, to).toContain(
        to === user.email
          ? 'The button opens your documents without a password'
          : 'nothing happens unless someone uses the link.'
      );
    }
    const links = await getDb()
      .select({ codeHash: s.magicLink.codeHash })
      .from(s.magicLink)
      .where(eq(s.magicLink.userId, user.id));
    expect(links).toEqual([{ codeHash: null }]);
  });

  it("refuse another firm's contact", async () => {
    const a = await createFirmWithStaff();
    const b = await createFirmWithStaff();
    const client = await createClient(getDb(), b.firm.id);
    const { contact } = await createContact(getDb(), client);
    expect(
      await inviteContact(getDb(), { contactId: contact.id, firm: a.firm, invitedBy: null })
    ).toBeNull();
  });
});

/** A guest contact (access for another hour), signed in on a browser of their own. */
async function signedInGuest() {
  const { firm } = await createFirmWithStaff();
  const client = await createClient(getDb(), firm.id);
  const { contact, user } = await createContact(getDb(), client, {
    accessExpiresAt: new Date(Date.now() + 3600_000)
  });
  const browser = new TestBrowser();
  await signIn(browser, user.id, 'client');
  return { firm, contact, user, browser };
}

describe('revokeContactAccess', () => {
  it('ending guest access deletes the sessions at once; sign-in then sends nothing', async () => {
    const { firm, contact, user, browser } = await signedInGuest();
    expect(
      await revokeContactAccess(getDb(), { firmId: firm.id, contactId: contact.id, remove: false })
    ).toBe(true);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect((await browser.get('/account')).status).toBe(303);
    const [row] = await getDb()
      .select()
      .from(s.clientContact)
      .where(eq(s.clientContact.id, contact.id));
    expect(row.accessExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  // Access is judged by this instance's clock (contactIsActive compares with new Date()); ending
  // it by the database's clock made the two disagree whenever this clock was behind, or in the
  // same millisecond (a timestamptz keeps microseconds, a Date only milliseconds): the contact
  // still counted as active and the session survived. CI met the second case.
  it("ending access holds even when this instance's clock is behind the database's", async () => {
    const { firm, contact, user, browser } = await signedInGuest();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() - 2_000);
      await revokeContactAccess(getDb(), { firmId: firm.id, contactId: contact.id, remove: false });
      expect(await sessionsOf(user.id)).toHaveLength(0);
      const [row] = await getDb()
        .select()
        .from(s.clientContact)
        .where(eq(s.clientContact.id, contact.id));
      expect(row.accessExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      vi.useRealTimers();
    }
    expect((await browser.get('/account')).status).toBe(303);
  });

  it('removing a contact keeps the sessions of someone still a contact elsewhere', async () => {
    const { firm } = await createFirmWithStaff();
    const one = await createClient(getDb(), firm.id);
    const two = await createClient(getDb(), firm.id);
    const { contact, user } = await createContact(getDb(), one);
    await getDb()
      .insert(s.clientContact)
      .values({ firmId: firm.id, clientId: two.id, userId: user.id });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    await revokeContactAccess(getDb(), { firmId: firm.id, contactId: contact.id, remove: true });
    expect(await sessionsOf(user.id)).toHaveLength(1);
    const gone = await getDb()
      .select()
      .from(s.clientContact)
      .where(eq(s.clientContact.id, contact.id));
    expect(gone).toHaveLength(0);
  });

  it("changes nothing for another firm's contact", async () => {
    const a = await createFirmWithStaff();
    const b = await createFirmWithStaff();
    const client = await createClient(getDb(), b.firm.id);
    const { contact, user } = await createContact(getDb(), client);
    await signIn(new TestBrowser(), user.id, 'client');
    expect(
      await revokeContactAccess(getDb(), { firmId: a.firm.id, contactId: contact.id, remove: true })
    ).toBe(false);
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });
});
