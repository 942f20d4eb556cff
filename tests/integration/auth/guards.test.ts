import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import { requireContact, requireStaff } from '../../../src/lib/server/auth/guards';
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
    const packet = await createPacket(getDb(), client);
    const doc = await addDocument(getDb(), packet);
    return { ...f, client, contact: c.user, packet, doc };
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
    expect((await staff.get('/firm')).status).toBe(200);
    const account = await contact.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).not.toContain(mine.staff.email);
    const other = await signIn(new TestBrowser(), theirs.contact.id, 'client');
    expect((await contact.post('/account?/signOut', { session: other.idHash })).status).toBe(404);
  });
});
