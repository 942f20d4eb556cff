// This device's subscription through /api/push/subscription and /account: saved with the
// session, checked before it is kept, removed by the device, by /account, and by signing out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '../../../src/lib/server/db/client';
import { getConfig } from '../../../src/lib/server/config';
import * as s from '../../../src/lib/server/db/schema';
import { vapidKeys } from '../../../src/lib/server/push/vapid';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { hashToken } from '../../../src/lib/server/auth/token';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';
import { makeBrowserKeys } from '../../support/push-decrypt';
import { startPushService, type PushServiceStub } from '../../support/push-service';
import { subscribeBrowser } from '../../support/push-device';

let service: PushServiceStub;
beforeAll(async () => {
  service = await startPushService();
});
afterAll(async () => {
  await service?.close();
});

async function contactUser() {
  const { firm } = await createFirmWithStaff();
  const client = await createClient(getDb(), firm.id);
  return (await createContact(getDb(), client)).user;
}

async function signedInContact(user?: { id: string }) {
  const person = user ?? (await contactUser());
  const browser = new TestBrowser();
  const session = await signIn(browser, person.id, 'client');
  return { user: person, browser, session };
}

const subscriptionsOf = (userId: string) =>
  getDb().select().from(s.pushSubscription).where(eq(s.pushSubscription.userId, userId));

const postJson = (browser: TestBrowser, body: string, headers: Record<string, string> = {}) =>
  browser.request('POST', '/api/push/subscription', {
    body,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }
  });

describe('/api/push/subscription', () => {
  it('gives the signed-in the server key, and nothing to the signed-out', async () => {
    const { browser } = await signedInContact();
    const response = await browser.get('/api/push/subscription', { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { publicKey, subscribed } = response.json<{ publicKey: string; subscribed: boolean }>();
    expect(publicKey).toBe((await vapidKeys(getDb(), getConfig())).publicKey);
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(subscribed).toBe(false);
    const stranger = new TestBrowser();
    expect(
      (await stranger.get('/api/push/subscription', { accept: 'application/json' })).status
    ).toBe(401);
    expect((await subscribeBrowser(stranger, service)).response.status).toBe(401);
  });

  it('saves this device with its session, and a new one replaces it', async () => {
    const { user, browser, session } = await signedInContact();
    const first = await subscribeBrowser(browser, service);
    expect(first.response.status).toBe(201);
    let rows = await subscriptionsOf(user.id);
    expect(rows).toMatchObject([
      {
        endpoint: first.endpoint,
        sessionIdHash: session.idHash,
        p256dh: first.keys.keys.p256dh,
        auth: first.keys.keys.auth,
        userAgent: browser.userAgent
      }
    ]);
    const state = await browser.get('/api/push/subscription', { accept: 'application/json' });
    expect(state.json()).toMatchObject({ subscribed: true });
    const second = await subscribeBrowser(browser, service);
    expect(second.response.status).toBe(201);
    rows = await subscriptionsOf(user.id);
    expect(rows.map((r) => r.endpoint)).toEqual([second.endpoint]);
  });

  it('refuses what no browser would send, and keeps nothing', async () => {
    const { user, browser } = await signedInContact();
    const keys = makeBrowserKeys().keys;
    const cases: [string, RegExp][] = [
      ['not json', /JSON/],
      [JSON.stringify({ endpoint: 'http://push.example/x', keys }), /https/],
      [JSON.stringify({ endpoint: 'https://10.1.2.3/x', keys }), /push service/],
      [
        JSON.stringify({ endpoint: 'https://push.example/x', keys: { ...keys, auth: 'AAAA' } }),
        /subscription/
      ],
      [JSON.stringify({ endpoint: 'https://push.example/x' }), /subscription/],
      [JSON.stringify([]), /subscription/]
    ];
    for (const [body, message] of cases) {
      const response = await postJson(browser, body);
      expect(response.status, body).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(message);
    }
    // Another site's page cannot subscribe the signed-in person to its own endpoint.
    const crossSite = await postJson(
      browser,
      JSON.stringify({ endpoint: service.endpoint(), keys }),
      { origin: 'https://evil.example' }
    );
    expect(crossSite.status).toBe(403);
    const tooBig = await postJson(
      browser,
      JSON.stringify({ endpoint: service.endpoint(), keys, pad: 'x'.repeat(100_000) })
    );
    expect(tooBig.status).toBe(413);
    expect(await subscriptionsOf(user.id)).toEqual([]);
  });

  it('turns this device off with DELETE, leaving the other devices', async () => {
    const { user, browser } = await signedInContact();
    const other = await signedInContact(user);
    await subscribeBrowser(browser, service);
    const kept = await subscribeBrowser(other.browser, service);
    const off = await browser.request('DELETE', '/api/push/subscription', {
      headers: { accept: 'application/json' }
    });
    expect(off.status).toBe(200);
    expect((await subscriptionsOf(user.id)).map((r) => r.endpoint)).toEqual([kept.endpoint]);
    const crossSite = await other.browser.request('DELETE', '/api/push/subscription', {
      headers: { origin: 'https://evil.example' }
    });
    expect(crossSite.status).toBe(403);
    expect(await subscriptionsOf(user.id)).toHaveLength(1);
  });
});

describe('/account: notifications on your devices', () => {
  it('lists the other devices and removes one of them, never another person’s', async () => {
    const { user, browser } = await signedInContact();
    const laptop = new TestBrowser(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
    );
    await signIn(laptop, user.id, 'client');
    await subscribeBrowser(laptop, service);
    const page = await browser.get('/account');
    expect(page.text).toContain('Notifications on your devices');
    expect(page.text).toContain('Chrome on Windows');
    const [row] = await subscriptionsOf(user.id);

    const stranger = await signedInContact();
    const theirs = await subscribeBrowser(stranger.browser, service);
    const [theirRow] = await subscriptionsOf(stranger.user.id);
    const refused = await browser.post(
      '/account?/removePushDevice',
      { subscription: theirRow.id },
      { accept: 'text/html' }
    );
    expect(refused.status).toBe(404);
    const junk = await browser.post('/account?/removePushDevice', { subscription: 'x' });
    expect(junk.status).toBe(404);
    expect((await subscriptionsOf(stranger.user.id)).map((r) => r.endpoint)).toEqual([
      theirs.endpoint
    ]);
    // Nor is it listed to anyone but its owner.
    const listed = await browser.get('/account');
    expect(listed.text).toContain(row.id);
    expect(listed.text).not.toContain(theirRow.id);

    const removed = await browser.post(
      '/account?/removePushDevice',
      { subscription: row.id },
      { accept: 'text/html' }
    );
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('That device no longer gets notifications.');
    expect(await subscriptionsOf(user.id)).toEqual([]);
  });

  it('drops a device’s subscription when it signs out, or is signed out from elsewhere', async () => {
    const { user, browser } = await signedInContact();
    const tablet = await signedInContact(user);
    const phone = await signedInContact(user);
    for (const b of [browser, tablet.browser, phone.browser]) await subscribeBrowser(b, service);
    expect(await subscriptionsOf(user.id)).toHaveLength(3);

    // Signed out from /account on another device.
    await browser.post('/account?/signOut', { session: tablet.session.idHash });
    expect(await subscriptionsOf(user.id)).toHaveLength(2);
    // Signed out on the device itself.
    expect((await phone.browser.post('/sign-out')).status).toBe(303);
    const left = await subscriptionsOf(user.id);
    expect(left).toHaveLength(1);
    // Everywhere.
    expect((await browser.post('/account?/signOutEverywhere')).status).toBe(303);
    expect(await subscriptionsOf(user.id)).toEqual([]);
  });

  it('keeps a device’s notifications when its person signs in again there, not another’s', async () => {
    const { firm } = await createFirmWithStaff();
    const client = await createClient(getDb(), firm.id);
    const { user } = await createContact(getDb(), client);
    const { user: other } = await createContact(getDb(), client);
    const packet = await createPacket(getDb(), client);
    const { browser } = await signedInContact(user);
    const device = await subscribeBrowser(browser, service);
    const linkFor = (userId: string) =>
      issueMagicLink(getDb(), {
        userId,
        purpose: 'packet',
        firmId: firm.id,
        packetId: packet.id,
        redirectTo: `/p/${packet.id}`
      });
    // A packet mail's link, tapped on the phone already signed in: a new session, same device.
    const mine = await linkFor(user.id);
    expect((await browser.post(`/l/${mine.token}`)).status).toBe(303);
    const renewed = hashToken(browser.cookies.get(SESSION_COOKIE)!);
    expect(await subscriptionsOf(user.id)).toMatchObject([
      { endpoint: device.endpoint, sessionIdHash: renewed }
    ]);
    // Someone else signs in on it: the first person's notifications stop here.
    const theirs = await linkFor(other.id);
    expect((await browser.post(`/l/${theirs.token}`)).status).toBe(303);
    expect(await subscriptionsOf(user.id)).toEqual([]);
    expect(await subscriptionsOf(other.id)).toEqual([]);
  });
});
