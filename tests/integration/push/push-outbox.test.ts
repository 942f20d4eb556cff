// Web Push through the outbox, on a database of its own (both drivers): subscriptions made with
// browser-like keys, pushes sent to a local push service, decrypted and checked here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as s from '../../../src/lib/server/db/schema';
import type { Db } from '../../../src/lib/server/db/client';
import { createSession } from '../../../src/lib/server/auth/session';
import { enqueueEmail } from '../../../src/lib/server/email/outbox';
import { createMailboxTransport } from '../../../src/lib/server/email/mailbox';
import { createEmailWorker } from '../../../src/lib/server/email/worker';
import { enqueuePush, type PushMessage } from '../../../src/lib/server/push/outbox';
import { savePushSubscription } from '../../../src/lib/server/push/subscriptions';
import { createPushTransport } from '../../../src/lib/server/push/transport';
import { loadVapidKeys } from '../../../src/lib/server/push/vapid';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';
import { startPushService, type PushServiceStub } from '../../support/push-service';
import {
  decryptPush,
  makeBrowserKeys,
  readVapid,
  type BrowserKeys
} from '../../support/push-decrypt';
import { createUser } from '../../support/factories';
import { selectOutbox } from '../../support/outbox';

let scratch: ScratchDatabase;
let db: Db;
let service: PushServiceStub;
const vapid = { vapidSubject: 'mailto:ops@sheaf.test' };

beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.handle.db;
}, 180_000);
afterAll(async () => {
  await service?.close();
  await scratch?.close();
});
beforeEach(async () => {
  await service?.close();
  service = await startPushService();
  await db.delete(s.outbox);
});

function worker(database: Db = db, id?: string) {
  return createEmailWorker(database, {
    id,
    transport: createMailboxTransport(),
    push: createPushTransport(database, { keys: () => loadVapidKeys(database, vapid) })
  });
}

/** A signed-in device of a new user, subscribed at the push service stub. */
async function subscribedDevice(userId?: string) {
  const user = userId ?? (await createUser(db)).id;
  const { session } = await createSession(db, user, 'client', { userAgent: 'Test phone' });
  const browser = makeBrowserKeys();
  const endpoint = service.endpoint();
  const id = await savePushSubscription(
    db,
    user,
    session.idHash,
    { endpoint, ...browser.keys },
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)'
  );
  return { userId: user, session, browser, endpoint, id };
}

const notice = (n = 1): PushMessage => ({
  kind: 'packet',
  title: 'Ledgerline Bookkeeping',
  body: `Q3 2026 review is ready to review (${n})`,
  url: '/p/0b9f3c1e-1111-4222-8333-444455556666',
  tag: 'packet-0b9f3c1e',
  topic: 'p0b9f3c1e11114222833344445555666'
});

const push = (userId: string, message = notice(), key?: string) =>
  db.transaction((tx) => enqueuePush(tx, userId, message, key));

const rows = () => selectOutbox(db).orderBy(s.outbox.id);
const subscription = async (id: string) =>
  (await db.select().from(s.pushSubscription).where(eq(s.pushSubscription.id, id)))[0];
const opened = (body: Buffer, keys: BrowserKeys) => JSON.parse(decryptPush(body, keys));

describe('push through the outbox', () => {
  it('sends an encrypted, VAPID-signed push the device can open, once', async () => {
    const device = await subscribedDevice();
    expect(await push(device.userId)).toBe(1);
    const result = await worker().drain();
    expect(result).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    const [received] = service.receivedAt(device.endpoint);
    expect(service.received).toHaveLength(1);
    expect(opened(received.body, device.browser)).toEqual({
      title: 'Ledgerline Bookkeeping',
      body: 'Q3 2026 review is ready to review (1)',
      url: '/p/0b9f3c1e-1111-4222-8333-444455556666',
      tag: 'packet-0b9f3c1e'
    });
    expect(received.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      ttl: String(24 * 3600),
      urgency: 'normal',
      topic: 'p0b9f3c1e11114222833344445555666'
    });
    const claims = readVapid(received.headers.authorization);
    const keys = await loadVapidKeys(db, vapid);
    expect(claims).toMatchObject({
      aud: service.origin,
      sub: 'mailto:ops@sheaf.test',
      publicKey: keys.publicKey
    });
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    const [row] = await rows();
    expect(row).toMatchObject({ channel: 'push', status: 'sent', transport: 'push', attempts: 1 });
    expect(row.providerMessageId).toMatch(/\/message\//);
    // What the row keeps names the device, never its keys.
    expect(JSON.stringify(row.payload)).not.toContain(device.browser.keys.auth);
    expect((await subscription(device.id)).lastSentAt).not.toBeNull();
    expect((await worker().drain()).claimed).toBe(0);
    expect(service.received).toHaveLength(1);
    // A push is not a mail: nothing about it on the audit log.
    const audits = await db
      .select()
      .from(s.auditEvent)
      .where(sql`${s.auditEvent.data}->>'outboxId' = ${String(row.id)}`);
    expect(audits).toEqual([]);
  });

  it('writes one row per device, and at most one per device for an idempotency key', async () => {
    const phone = await subscribedDevice();
    const laptop = await subscribedDevice(phone.userId);
    expect(await push(phone.userId, notice(), 'packet:x:1')).toBe(2);
    expect(await push(phone.userId, notice(), 'packet:x:1')).toBe(0);
    expect(await db.transaction((tx) => enqueuePush(tx, [], notice()))).toBe(0);
    expect(await push((await createUser(db)).id)).toBe(0);
    await worker().drain();
    expect(service.receivedAt(phone.endpoint)).toHaveLength(1);
    expect(service.receivedAt(laptop.endpoint)).toHaveLength(1);
    expect(opened(service.receivedAt(laptop.endpoint)[0].body, laptop.browser).title).toBe(
      'Ledgerline Bookkeeping'
    );
  });

  for (const gone of [404, 410] as const) {
    it(`removes the subscription when the push service answers ${gone}, and does not retry`, async () => {
      const device = await subscribedDevice();
      service.answerFor(device.endpoint, gone);
      await push(device.userId);
      expect(await worker().drain()).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      expect(await subscription(device.id)).toBeUndefined();
      const [row] = await rows();
      expect(row.status).toBe('failed');
      expect(row.lastError).toContain(String(gone));
      // Its session is untouched: the device is still signed in, only without notifications.
      const [session] = await db
        .select()
        .from(s.session)
        .where(eq(s.session.idHash, device.session.idHash));
      expect(session).toBeDefined();
      expect((await worker().drain()).claimed).toBe(0);
      expect(service.received).toHaveLength(1);
    });
  }

  for (const busy of [429, 500, 503] as const) {
    it(`retries later after ${busy}, then sends it once`, async () => {
      const device = await subscribedDevice();
      service.answerNext(busy);
      await push(device.userId);
      expect(await worker().drain()).toMatchObject({ sent: 0, retried: 1 });
      let [row] = await rows();
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.lastError).toContain(String(busy));
      expect(row.runAfter.getTime()).toBeGreaterThan(Date.now());
      expect(await subscription(device.id)).toBeDefined();
      // Its time comes.
      await db.update(s.outbox).set({ runAfter: sql`now()` });
      expect(await worker().drain()).toMatchObject({ sent: 1 });
      [row] = await rows();
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(service.received.map((r) => r.answer)).toEqual([busy, 201]);
    });
  }

  it('refuses for good what the push service refuses for good (400, 403)', async () => {
    const device = await subscribedDevice();
    service.answerNext(403);
    await push(device.userId);
    expect(await worker().drain()).toMatchObject({ failed: 1, retried: 0 });
    expect((await rows())[0].status).toBe('failed');
    // 403 is about this message (a key the subscription was not made with), not the device.
    expect(await subscription(device.id)).toBeDefined();
  });

  it('sends nothing to a device signed out before the worker got to it', async () => {
    const device = await subscribedDevice();
    await push(device.userId);
    await db.delete(s.session).where(eq(s.session.idHash, device.session.idHash));
    expect(await subscription(device.id)).toBeUndefined();
    expect(await worker().drain()).toMatchObject({ failed: 1 });
    expect(service.received).toHaveLength(0);
  });

  it('sends mail and pushes of one batch each through its own channel', async () => {
    const device = await subscribedDevice();
    await db.transaction(async (tx) => {
      await enqueueEmail(tx, {
        kind: 'packet',
        to: 'casey@example.test',
        subject: 'Your Q3 review',
        html: '<p>Hi</p>',
        text: 'Hi'
      });
      await enqueuePush(tx, device.userId, notice());
    });
    expect(await worker().drain()).toMatchObject({ sent: 2 });
    const after = await rows();
    expect(after.map((r) => [r.channel, r.status, r.transport])).toEqual([
      ['email', 'sent', 'mailbox'],
      ['push', 'sent', 'push']
    ]);
    expect(service.received).toHaveLength(1);
  });

  it('leaves push rows alone in a worker without a push transport', async () => {
    const device = await subscribedDevice();
    await push(device.userId);
    const mailOnly = createEmailWorker(db, { transport: createMailboxTransport() });
    expect((await mailOnly.drain()).claimed).toBe(0);
    expect((await rows())[0].status).toBe('pending');
  });

  it('sends each push once with two workers on the same database', async () => {
    const devices = await Promise.all(Array.from({ length: 12 }, () => subscribedDevice()));
    for (const d of devices) {
      for (let i = 0; i < 3; i++) await push(d.userId, notice(i));
    }
    const other = await scratch.openPool();
    // Small batches, so the two workers take turns claiming.
    const a = createEmailWorker(db, {
      id: 'push-a',
      batchSize: 5,
      transport: createMailboxTransport(),
      push: createPushTransport(db, { keys: () => loadVapidKeys(db, vapid) })
    });
    const b = createEmailWorker(other.db, {
      id: 'push-b',
      batchSize: 5,
      transport: createMailboxTransport(),
      push: createPushTransport(other.db, { keys: () => loadVapidKeys(other.db, vapid) })
    });
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    expect(ra.sent + rb.sent).toBe(36);
    expect(service.received).toHaveLength(36);
    for (const d of devices) {
      const bodies = service.receivedAt(d.endpoint).map((r) => opened(r.body, d.browser).body);
      expect(bodies.sort()).toEqual(
        [0, 1, 2].map((i) => `Q3 2026 review is ready to review (${i})`)
      );
    }
    expect((await rows()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('makes one VAPID key pair, whichever instance asks first', async () => {
    const other = await scratch.openPool();
    const [a, b] = await Promise.all([loadVapidKeys(db, vapid), loadVapidKeys(other.db, vapid)]);
    expect(a.publicKey).toBe(b.publicKey);
    expect(Buffer.from(a.publicKey, 'base64url')).toHaveLength(65);
    const stored = await db.select().from(s.instanceSecret);
    expect(stored.map((r) => r.name).sort()).toEqual(['vapid_private_key', 'vapid_public_key']);
    // The environment's pair wins over the stored one.
    const env = {
      ...vapid,
      VAPID_PUBLIC_KEY: Buffer.alloc(65, 4).toString('base64url'),
      VAPID_PRIVATE_KEY: Buffer.alloc(32, 5).toString('base64url')
    };
    expect((await loadVapidKeys(db, env)).publicKey).toBe(env.VAPID_PUBLIC_KEY);
  });
});
