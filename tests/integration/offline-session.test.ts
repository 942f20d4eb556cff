import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import { invalidateUserSessions } from '../../src/lib/server/auth/session';
import { offlineKey } from '../../src/lib/server/offline-key';
import { createUser, signIn } from '../support/factories';
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
