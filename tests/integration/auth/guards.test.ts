import type { RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { requireContact, requireOwner, requireStaff } from '../../../src/lib/server/auth/guards';
import type { SessionUser } from '../../../src/lib/server/auth/session';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { TestBrowser } from '../../support/server';

function eventFor(user: SessionUser | null, path = '/p/x'): RequestEvent {
  return {
    locals: { user, session: null },
    url: new URL(`http://sheaf.test${path}`)
  } as RequestEvent;
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (e) {
    return (e as { status: number }).status;
  }
}

/** Two firms, each with a client, a contact, a published packet with a document. */
async function world() {
  const make = async () => {
    const f = await createFirmWithStaff();
    const client = await createClient(getDb(), f.firm.id);
    const c = await createContact(getDb(), client);
    const packet = await createPacket(getDb(), client, { title: `Secret ${f.firm.slug}` });
    const doc = await addDocument(getDb(), packet, { filename: `secret-${f.firm.slug}.pdf` });
    return { ...f, client, contact: c.user, contactRow: c.contact, packet, doc };
  };
  return { mine: await make(), theirs: await make() };
}

describe('guards: anything of another firm or client is a 404', () => {
  it("requireContact answers 404 for another client's packet, a draft, ended access or a bad id", async () => {
    const { mine, theirs } = await world();
    expect(await status(requireContact(eventFor(mine.contact), mine.packet.id))).toBe(200);
    expect(await status(requireContact(eventFor(mine.contact), theirs.packet.id))).toBe(404);
    expect(await status(requireContact(eventFor(mine.staff), mine.packet.id))).toBe(404);
    expect(await status(requireContact(eventFor(mine.contact), 'not-a-uuid'))).toBe(404);
    const draft = await createPacket(getDb(), mine.client, { status: 'draft' });
    expect(await status(requireContact(eventFor(mine.contact), draft.id))).toBe(404);
    const guest = await createContact(getDb(), mine.client, {
      accessExpiresAt: new Date(Date.now() - 1000)
    });
    expect(await status(requireContact(eventFor(guest.user), mine.packet.id))).toBe(404);
    expect(await status(requireContact(eventFor(null), mine.packet.id))).toBe(303);
  });

  it('requireStaff answers 404 for a contact and redirects the signed-out', async () => {
    const { mine } = await world();
    expect(await status(requireStaff(eventFor(mine.staff, '/firm')))).toBe(200);
    expect(await status(requireStaff(eventFor(mine.contact, '/firm')))).toBe(404);
    expect(await status(requireStaff(eventFor(null, '/firm')))).toBe(303);
  });

  it('requireOwner answers 403 for other staff, 404 for a contact', async () => {
    const { mine } = await world();
    expect(await status(requireOwner(eventFor(mine.owner, '/firm/settings')))).toBe(200);
    expect(await status(requireOwner(eventFor(mine.staff, '/firm/settings')))).toBe(403);
    expect(await status(requireOwner(eventFor(mine.contact, '/firm/settings')))).toBe(404);
    expect(await status(requireOwner(eventFor(null, '/firm/settings')))).toBe(303);
  });

  it("route matrix: staff and client routes with the other firm's or client's ids answer 404", async () => {
    const { mine, theirs } = await world();
    const staff = new TestBrowser();
    await signIn(staff, mine.staff.id, 'staff');
    const contact = new TestBrowser();
    await signIn(contact, mine.contact.id, 'client');

    // Every id-bearing route of the route map, with ids of the other firm.
    const foreign = [
      `/firm/clients/${theirs.client.id}`,
      `/firm/packets/${theirs.packet.id}`,
      `/p/${theirs.packet.id}`,
      `/p/${theirs.packet.id}/d/${theirs.doc.id}`,
      `/api/files/${theirs.doc.id}`
    ];
    for (const path of foreign) {
      expect((await staff.get(path)).status, `staff ${path}`).toBe(404);
      expect((await contact.get(path)).status, `contact ${path}`).toBe(404);
    }
    // Staff pages are not for contacts; /account shows only one's own sessions.
    expect((await contact.get('/firm')).status).toBe(404);
    expect((await contact.get('/firm/settings')).status).toBe(404);
    expect((await staff.get('/firm')).status).toBe(200);
    const settings = await staff.get('/firm/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain(mine.owner.email);
    expect(settings.text).not.toContain(theirs.owner.email);
    expect(settings.text).not.toContain(theirs.staff.email);
    const account = await contact.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).not.toContain(mine.staff.email);
    const other = await signIn(new TestBrowser(), theirs.contact.id, 'client');
    expect((await contact.post('/account?/signOut', { session: other.idHash })).status).toBe(404);
  });

  it('pages, files and actions with ids of another firm or another client: 404, nothing leaked, nothing changed', async () => {
    const { mine, theirs } = await world();
    const db = getDb();
    // A second client of my own firm, with its own contact and packet.
    const sibling = await createClient(db, mine.firm.id);
    const siblingContact = await createContact(db, sibling);
    const siblingPacket = await createPacket(db, sibling, { title: 'Sibling secret' });
    const siblingDoc = await addDocument(db, siblingPacket, { filename: 'sibling-secret.pdf' });

    const staff = new TestBrowser();
    await signIn(staff, mine.staff.id, 'staff');
    const contact = new TestBrowser();
    await signIn(contact, mine.contact.id, 'client');
    const secrets = [
      theirs.packet.title,
      theirs.doc.filename,
      siblingPacket.title,
      'sibling-secret'
    ];
    const expectNotFound = (r: { status: number; text: string }, what: string) => {
      expect(r.status, what).toBe(404);
      for (const secret of secrets) expect(r.text, what).not.toContain(secret);
    };

    // Staff of my firm: everything of the other firm, and the client side of my own firm.
    for (const path of [
      `/firm/clients/${theirs.client.id}`,
      `/firm/packets/${theirs.packet.id}`,
      `/firm/packets/${theirs.packet.id}/documents/${theirs.doc.id}`,
      // My packet with their document id: the document must belong to the packet.
      `/firm/packets/${mine.packet.id}/documents/${theirs.doc.id}`,
      `/api/files/${theirs.doc.id}`,
      `/p/${mine.packet.id}`
    ]) {
      expectNotFound(await staff.get(path), `staff GET ${path}`);
    }
    // A contact: the other firm's and the sibling client's packets, files and documents, and
    // my packet with a document id from elsewhere.
    for (const path of [
      `/p/${theirs.packet.id}`,
      `/p/${siblingPacket.id}`,
      `/p/${siblingPacket.id}/d/${siblingDoc.id}`,
      `/p/${mine.packet.id}/d/${theirs.doc.id}`,
      `/p/${mine.packet.id}/d/${siblingDoc.id}`,
      `/api/files/${siblingDoc.id}`,
      `/api/files/${theirs.doc.id}`,
      `/firm/packets/${mine.packet.id}`,
      `/firm/packets/${mine.packet.id}/documents/${mine.doc.id}`,
      `/firm/clients/${mine.client.id}`
    ]) {
      expectNotFound(await contact.get(path), `contact GET ${path}`);
    }
    const range = await contact.request('GET', `/api/files/${siblingDoc.id}`, {
      headers: { range: 'bytes=0-99' }
    });
    expectNotFound(range, 'contact ranged GET of a sibling file');

    // Actions on someone else's objects: 404 and no row written.
    const before = async () => ({
      decisions: (await db.select().from(s.decision)).length,
      comments: (await db.select().from(s.comment)).length,
      outbox: (await db.select().from(s.outbox)).length
    });
    const counts = await before();
    const html = { accept: 'text/html' };
    for (const [browser, path, form] of [
      [contact, `/p/${siblingPacket.id}?/approve`, { requestId: randomUUID() }],
      [contact, `/p/${theirs.packet.id}?/ask`, { body: 'Hello?' }],
      [staff, `/firm/packets/${theirs.packet.id}?/publish`, {}],
      [staff, `/firm/packets/${theirs.packet.id}?/nudge`, { contactId: '' }],
      [staff, `/firm/packets/${theirs.packet.id}?/reply`, { body: 'Hello?' }],
      [staff, `/firm/packets/${mine.packet.id}?/nudge`, { contactId: theirs.contactRow.id }],
      [contact, `/firm/packets/${mine.packet.id}?/reply`, { body: 'Hello?' }]
    ] as const) {
      expectNotFound(await browser.post(path, form, html), `POST ${path}`);
    }
    expect(await before()).toEqual(counts);
    // A contact of both clients would see both; this one is a contact of one only.
    expect(siblingContact.contact.clientId).toBe(sibling.id);
  });
});
