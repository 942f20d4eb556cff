import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import { invalidateUserSessions } from '../../src/lib/server/auth/session';
import { offlineKey } from '../../src/lib/server/offline-key';
import * as s from '../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  createUser,
  signIn
} from '../support/factories';
import { TestBrowser } from '../support/server';

describe('GET /api/session (the offline app checks it on start)', () => {
  it('answers 401 without a session, and is never cached', async () => {
    const response = await new TestBrowser().get('/api/session');
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ signedIn: false });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('gives each signed-in user their own offline key, which is not their id', async () => {
    const db = getDb();
    const [a, b] = [await createUser(db), await createUser(db)];
    const browserA = new TestBrowser();
    const browserB = new TestBrowser();
    await signIn(browserA, a.id, 'client');
    await signIn(browserB, b.id, 'client');
    const keyA = (await browserA.get('/api/session')).json() as { key: string };
    const keyB = (await browserB.get('/api/session')).json() as { key: string };
    expect(keyA).toEqual({ signedIn: true, key: offlineKey(a.id) });
    expect(keyA.key).toMatch(/^[0-9a-f]{32}$/);
    expect(keyA.key).not.toBe(keyB.key);
    expect(keyA.key).not.toContain(a.id.replace(/-/g, '').slice(0, 8));
    // Same user, another device: the same key.
    const again = new TestBrowser();
    await signIn(again, a.id, 'client');
    expect(((await again.get('/api/session')).json() as { key: string }).key).toBe(keyA.key);
  });

  it('answers 401 once the session was ended elsewhere ("sign out everywhere")', async () => {
    const db = getDb();
    const user = await createUser(db);
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    expect((await browser.get('/api/session')).status).toBe(200);
    await invalidateUserSessions(db, user.id);
    const response = await browser.get('/api/session');
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ signedIn: false });
  });
});

describe('x-sheaf-user: whose saved copies the service worker may show', () => {
  it('names the signed-in person on their pages, data and files, and nobody once signed out', async () => {
    const db = getDb();
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const packet = await createPacket(db, client);
    const doc = await addDocument(db, packet, { pages: 1 });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const key = offlineKey(user.id);
    for (const path of [
      '/p',
      `/p/${packet.id}`,
      `/p/${packet.id}/__data.json`,
      `/p/${packet.id}/d/${doc.id}`,
      `/api/files/${doc.id}`,
      '/'
    ]) {
      const response = await browser.get(path);
      expect([path, response.status]).toEqual([path, 200]);
      expect([path, response.headers.get('x-sheaf-user')]).toEqual([path, key]);
    }
    // Not on answers the worker never handles (it would only cost a hash).
    expect((await browser.get('/api/session')).headers.get('x-sheaf-user')).toBeNull();

    const stranger = new TestBrowser();
    const refused = await stranger.get(`/p/${packet.id}`);
    expect(refused.headers.get('x-sheaf-user')).toBe('-');
    expect((await stranger.get('/sign-in')).headers.get('x-sheaf-user')).toBe('-');
    await invalidateUserSessions(db, user.id);
    expect((await browser.get('/p')).headers.get('x-sheaf-user')).toBe('-');
  });
});

describe('saving a packet for offline', () => {
  it('fetches the viewer page and its data without counting them as document views', async () => {
    const db = getDb();
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { contact, user } = await createContact(db, client);
    const packet = await createPacket(db, client);
    const doc = await addDocument(db, packet, { pages: 2 });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const views = async () =>
      (
        await db
          .select()
          .from(s.documentView)
          .where(
            and(eq(s.documentView.documentId, doc.id), eq(s.documentView.contactId, contact.id))
          )
      )[0]?.views ?? 0;

    const saved = { 'x-sheaf-save': '1' };
    const html = await browser.get(`/p/${packet.id}/d/${doc.id}`, saved);
    const data = await browser.get(`/p/${packet.id}/d/${doc.id}/__data.json`, saved);
    expect(html.status).toBe(200);
    expect(data.status).toBe(200);
    expect(data.text).toContain(doc.filename);
    expect(await views()).toBe(0);

    // Reading it does count.
    await browser.get(`/p/${packet.id}/d/${doc.id}`);
    expect(await views()).toBe(1);
  });
});
