import { describe, expect, it } from 'vitest';
import { addDocument, createClient, createContact, createPacket } from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { TestBrowser } from '../../support/server';
import { makePdf } from '../../support/factories';

describe('staff routes and other firms', () => {
  it('sends the signed-out to sign-in', async () => {
    const response = await new TestBrowser().get('/firm');
    expect(response.status).toBe(303);
    expect(response.location).toMatch(/^\/sign-in\?next=%2Ffirm/);
  });

  it('404s for a client contact who is not staff', async () => {
    const { db, client } = await staffWorld();
    const { user } = await createContact(db, client);
    const browser = new TestBrowser();
    const { signIn } = await import('../../support/factories');
    await signIn(browser, user.id, 'client');
    expect((await browser.get('/firm')).status).toBe(404);
  });

  it("answers 404 on every page and action for another firm's client, packet and document", async () => {
    const mine = await staffWorld();
    const theirs = await staffWorld();
    const { browser } = mine;
    const otherClient = theirs.client;
    const otherPacket = await createPacket(theirs.db, otherClient, { status: 'draft' });
    const otherDoc = await addDocument(theirs.db, otherPacket);
    const otherContact = theirs.contacts[0].contact;

    const gets = [
      `/firm/clients/${otherClient.id}`,
      `/firm/packets/${otherPacket.id}`,
      `/firm/packets/${otherPacket.id}/documents/${otherDoc.id}`,
      `/firm/clients/not-a-uuid`,
      `/firm/packets/not-a-uuid`
    ];
    for (const path of gets) expect((await browser.get(path)).status, path).toBe(404);

    const posts: [string, Record<string, string>][] = [
      [`/firm/clients/${otherClient.id}?/update`, { name: 'Mine now', code: 'MINE' }],
      [
        `/firm/clients/${otherClient.id}?/addContact`,
        { email: 'x@example.test', name: 'X', role: 'approver', accessExpiresAt: '' }
      ],
      [`/firm/clients/${otherClient.id}?/removeContact`, { contactId: otherContact.id }],
      [
        `/firm/packets/${otherPacket.id}?/update`,
        { title: 'x', period: '2026-Q3', note: '', dueAt: '' }
      ],
      [`/firm/packets/${otherPacket.id}?/publish`, {}],
      [`/firm/packets/${otherPacket.id}?/removeDocument`, { documentId: otherDoc.id }],
      [
        `/firm/packets/${otherPacket.id}?/moveDocument`,
        { documentId: otherDoc.id, direction: 'up' }
      ],
      [`/firm/packets/${otherPacket.id}?/nudge`, {}],
      [`/firm/packets/${otherPacket.id}?/reply`, { body: 'hi' }],
      [`/firm/packets/${otherPacket.id}?/archive`, {}],
      [`/firm/clients?/archive`, { clientId: otherClient.id }]
    ];
    for (const [path, form] of posts) {
      expect((await postForm(browser, path, form)).status, path).toBe(404);
    }
    // Their ids inside my own pages' forms are 404s too.
    const myPacket = await createPacket(mine.db, mine.client, { status: 'draft' });
    expect(
      (
        await postForm(browser, `/firm/packets/${myPacket.id}?/removeDocument`, {
          documentId: otherDoc.id
        })
      ).status
    ).toBe(404);
    expect(
      (
        await postForm(browser, `/firm/clients/${mine.client.id}?/removeContact`, {
          contactId: otherContact.id
        })
      ).status
    ).toBe(404);
    const newPacket = await postForm(browser, '/firm/packets/new', {
      clientId: otherClient.id,
      title: 'x',
      period: '2026-Q3',
      note: '',
      dueAt: ''
    });
    expect(newPacket.status).toBe(400);
    expect((await uploadPdf(browser, otherPacket.id, 'a.pdf', await makePdf(1))).status).toBe(404);

    // Nothing of theirs changed.
    const other = await createClient(theirs.db, theirs.firm.id);
    expect(other.firmId).toBe(theirs.firm.id);
    const page = await theirs.browser.get(`/firm/clients/${otherClient.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Acme Bakery');
    expect(page.text).toContain(otherContact.id ? theirs.contacts[0].user.email : '');
  });
});
