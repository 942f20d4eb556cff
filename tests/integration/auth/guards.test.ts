import type { RequestEvent } from '@sveltejs/kit';
import { eq, inArray } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { requireContact, requireOwner, requireStaff } from '../../../src/lib/server/auth/guards';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import type { SessionKind, SessionUser } from '../../../src/lib/server/auth/session';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn
} from '../../support/factories';
import { postForm } from '../../support/firm';
import { latestMailTo, linkPathOf } from '../../support/mail';
import { TestBrowser } from '../../support/server';

function eventFor(
  user: SessionUser | null,
  path = '/p/x',
  kind: SessionKind = 'staff'
): RequestEvent {
  return {
    locals: { user, session: user ? ({ kind } as s.Session) : null },
    url: new URL(`http://sheaf.test${path}`)
  } as RequestEvent;
}

async function location(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (e) {
    return (e as { location?: string }).location ?? null;
  }
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
    // Counted for these two firms only: other test files share the database and write too.
    const firms = [mine.firm.id, theirs.firm.id];
    const before = async () => ({
      decisions: (await db.select().from(s.decision).where(inArray(s.decision.firmId, firms)))
        .length,
      comments: (await db.select().from(s.comment).where(inArray(s.comment.firmId, firms))).length,
      outbox: (await db.select().from(s.outbox).where(inArray(s.outbox.firmId, firms))).length
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

describe('staff pages need a staff session', () => {
  /** An owner who is also a contact of one of the firm's clients, signed in by a packet link. */
  async function ownerViaPacketLink() {
    const db = getDb();
    const f = await createFirmWithStaff(db);
    const client = await createClient(db, f.firm.id);
    await db
      .insert(s.clientContact)
      .values({ firmId: f.firm.id, clientId: client.id, userId: f.owner.id, name: 'Olivia' });
    const packet = await createPacket(db, client, { title: 'Owner as a client' });
    const doc = await addDocument(db, packet);
    const draft = await createPacket(db, client, { status: 'draft', title: 'Draft' });
    const draftDoc = await addDocument(db, draft);
    const link = await issueMagicLink(db, {
      userId: f.owner.id,
      purpose: 'packet',
      firmId: f.firm.id,
      packetId: packet.id,
      redirectTo: `/p/${packet.id}`
    });
    const browser = new TestBrowser();
    const tapped = await browser.post(`/l/${link.token}`);
    expect(tapped.location).toBe(`/p/${packet.id}`);
    const [session] = await db.select().from(s.session).where(eq(s.session.userId, f.owner.id));
    expect(session.kind).toBe('client');
    return { ...f, client, packet, doc, draft, draftDoc, browser, session };
  }

  it('requireStaff and requireOwner send a client session of a member to sign in again', async () => {
    const { mine } = await world();
    const toSignIn = `/sign-in?next=${encodeURIComponent('/firm/settings')}`;
    for (const guard of [requireStaff, requireOwner]) {
      expect(await location(guard(eventFor(mine.owner, '/firm/settings', 'client')))).toBe(
        toSignIn
      );
      expect(await status(guard(eventFor(mine.owner, '/firm/settings', 'staff')))).toBe(200);
      // Someone who is no member stays a 404, whatever their session.
      expect(await status(guard(eventFor(mine.contact, '/firm/settings', 'client')))).toBe(404);
    }
  });

  it("an owner's client session reaches no staff page, action or endpoint, and /sign-in gets them a staff session", async () => {
    const w = await ownerViaPacketLink();
    const { browser } = w;
    const failures: string[] = [];
    const expectSignIn = (r: { status: number; location: string | null }, path: string) => {
      const want = `/sign-in?next=${encodeURIComponent(path)}`;
      if (r.status !== 303 || r.location !== want) {
        failures.push(`${path}: ${r.status} ${r.location ?? ''}`);
      }
    };
    for (const path of [
      '/firm',
      '/firm/clients',
      `/firm/clients/${w.client.id}`,
      '/firm/packets/new',
      '/firm/packets/bulk',
      '/firm/settings',
      `/firm/packets/${w.draft.id}`,
      `/firm/packets/${w.draft.id}/documents/${w.draftDoc.id}`
    ]) {
      expectSignIn(await browser.get(path), path);
    }
    for (const [path, form] of [
      ['/firm/settings?/profile', { name: 'Taken over', brandColor: '#000000' }],
      ['/firm/settings?/invite', { name: 'Mallory', email: 'mallory@example.test' }],
      ['/firm/clients?/create', { name: 'Owner-made', code: 'OWNERMADE' }],
      [`/firm/packets/${w.draft.id}?/publish`, {}]
    ] as const) {
      expectSignIn(await postForm(browser, path, form), path);
    }
    const json = { 'content-type': 'application/json' };
    for (const [path, body, headers] of [
      [`/firm/packets/${w.draft.id}/publish`, '{}', json],
      [
        '/firm/packets/bulk/create',
        JSON.stringify({ clientId: w.client.id, period: '2026-Q4', title: 'x', note: '' }),
        json
      ],
      [
        `/firm/packets/${w.draft.id}/documents`,
        new Blob([(await makePdf(1)) as Uint8Array<ArrayBuffer>]),
        { 'content-type': 'application/pdf', 'x-filename': 'x.pdf' }
      ]
    ] as const) {
      expectSignIn(await browser.request('POST', path, { body, headers }), path);
    }
    // Membership alone opens no draft document; as a contact they still read their packet.
    const draftFile = await browser.get(`/api/files/${w.draftDoc.id}`);
    if (draftFile.status !== 404) failures.push(`draft file: ${draftFile.status}`);
    expect(failures).toEqual([]);
    expect((await browser.get(`/api/files/${w.doc.id}`)).status).toBe(200);
    expect((await browser.get(`/p/${w.packet.id}`)).status).toBe(200);

    const db = getDb();
    const [draft] = await db.select().from(s.packet).where(eq(s.packet.id, w.draft.id));
    expect(draft.status).toBe('draft');
    expect(await db.select().from(s.document).where(eq(s.document.packetId, w.draft.id))).toEqual([
      expect.objectContaining({ id: w.draftDoc.id })
    ]);
    const [firmRow] = await db.select().from(s.firm).where(eq(s.firm.id, w.firm.id));
    expect(firmRow.name).toBe(w.firm.name);
    expect(await db.select().from(s.client).where(eq(s.client.code, 'OWNERMADE'))).toEqual([]);
    expect(await db.select().from(s.packet).where(eq(s.packet.clientId, w.client.id))).toHaveLength(
      2
    );

    // "Sign in again" is no dead end: the form says why and is filled in with their address ...
    const form = await browser.get(`/sign-in?next=${encodeURIComponent('/firm')}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Staff pages need a staff sign-in');
    expect(form.text).toContain(`value="${w.owner.email}"`);
    // ... and its link ends with a staff session on /firm, in place of the client one.
    const asked = await browser.post(`/sign-in?next=${encodeURIComponent('/firm')}`, {
      email: w.owner.email
    });
    expect(asked.text).toContain('Check your email');
    const done = await browser.post(linkPathOf(await latestMailTo(w.owner.email)));
    expect(done.status).toBe(303);
    expect(done.location).toBe('/firm');
    const sessions = await db.select().from(s.session).where(eq(s.session.userId, w.owner.id));
    expect(sessions.map((x) => x.kind)).toEqual(['staff']);
    expect((await browser.get('/firm')).status).toBe(200);
  });

  it('a staff session still reads the staff pages; /sign-in?next=/firm sends a contact home', async () => {
    const w = await ownerViaPacketLink();
    const staff = new TestBrowser();
    await signIn(staff, w.owner.id, 'staff');
    expect((await staff.get('/firm')).status).toBe(200);
    expect((await staff.get(`/sign-in?next=${encodeURIComponent('/firm')}`)).location).toBe(
      '/firm'
    );
    // A contact who is no member asking for /firm gets a link to their documents, not a 404.
    const { user } = await createContact(getDb(), w.client);
    const browser = new TestBrowser();
    await browser.post(`/sign-in?next=${encodeURIComponent('/firm')}`, { email: user.email });
    const done = await browser.post(linkPathOf(await latestMailTo(user.email)));
    expect(done.location).toBe('/p');
  });
});
