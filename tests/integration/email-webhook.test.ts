import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { checkWebhookAuth } from '../../src/lib/server/email/webhook';
import { TestBrowser } from '../support/server';
import { createClient, createContact, createFirm, createPacket } from '../support/factories';

const AUTH = `Basic ${Buffer.from('postmark-test:webhook-secret').toString('base64')}`;

/** A packet delivery whose mail Postmark accepted under a fresh MessageID. */
async function sentDelivery() {
  const db = getDb();
  const firm = await createFirm(db);
  const client = await createClient(db, firm.id);
  const { contact, user } = await createContact(db, client);
  const packet = await createPacket(db, client);
  const messageId = randomUUID();
  const [row] = await db
    .insert(s.outbox)
    .values({
      kind: 'packet',
      firmId: firm.id,
      payload: { to: user.email },
      status: 'sent',
      transport: 'postmark',
      providerMessageId: messageId,
      sentAt: new Date()
    })
    .returning();
  const [d] = await db
    .insert(s.delivery)
    .values({
      firmId: firm.id,
      packetId: packet.id,
      version: 1,
      contactId: contact.id,
      outboxId: row.id,
      status: 'sent'
    })
    .returning();
  const read = async () => (await db.select().from(s.delivery).where(eq(s.delivery.id, d.id)))[0];
  const events = () =>
    db.select().from(s.emailEvent).where(eq(s.emailEvent.providerMessageId, messageId));
  return { messageId, email: user.email, read, events };
}

const post = (body: unknown, auth: string | null = AUTH) =>
  new TestBrowser().request('POST', '/api/webhooks/postmark', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }
  });

const delivered = (messageId: string, email: string) => ({
  RecordType: 'Delivery',
  ServerID: 23,
  MessageStream: 'outbound',
  MessageID: messageId,
  Recipient: email,
  Tag: 'packet',
  DeliveredAt: '2026-11-25T10:01:02Z',
  Details: 'Test delivery webhook details',
  Metadata: {}
});

const bounce = (messageId: string, email: string, type: string, id: number) => ({
  RecordType: 'Bounce',
  ID: id,
  Type: type,
  TypeCode: type === 'HardBounce' ? 1 : 4096,
  MessageID: messageId,
  Email: email,
  BouncedAt: '2026-11-25T10:02:00Z',
  Description:
    type === 'HardBounce'
      ? 'The server was unable to deliver your message (ex: unknown user, mailbox not found).'
      : 'The mailbox is full.',
  Inactive: type === 'HardBounce',
  MessageStream: 'outbound'
});

describe('POST /api/webhooks/postmark', () => {
  it('refuses wrong or missing credentials with 401 and changes nothing', async () => {
    const d = await sentDelivery();
    const wrong = `Basic ${Buffer.from('postmark-test:guess').toString('base64')}`;
    for (const auth of [null, wrong, 'Bearer abc', 'Basic !!!']) {
      const response = await post(delivered(d.messageId, d.email), auth);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Basic');
    }
    expect((await d.read()).status).toBe('sent');
    expect(await d.events()).toHaveLength(0);
  });

  it('does not exist when no webhook credentials are configured', () => {
    expect(checkWebhookAuth({}, AUTH)).toBe('missing');
    expect(checkWebhookAuth({ POSTMARK_WEBHOOK_USER: 'u' }, AUTH)).toBe('missing');
    const config = {
      POSTMARK_WEBHOOK_USER: 'postmark-test',
      POSTMARK_WEBHOOK_PASSWORD: 'webhook-secret'
    };
    expect(checkWebhookAuth(config, AUTH)).toBe('ok');
    expect(checkWebhookAuth(config, null)).toBe('unauthorized');
  });

  it('answers 400 to malformed JSON or a body that is not one event', async () => {
    expect((await post('{"RecordType": "Deliv')).status).toBe(400);
    expect((await post('[1,2]')).status).toBe(400);
    expect((await post('null')).status).toBe(400);
    const bad = await post('not json');
    expect(bad.json()).toEqual({ error: 'The body is not valid JSON' });
  });

  it('marks a delivery delivered, once, however often Postmark repeats the event', async () => {
    const d = await sentDelivery();
    const first = await post(delivered(d.messageId, d.email));
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ ok: true, outcome: 'recorded' });
    expect((await d.read()).status).toBe('delivered');
    const again = await post(delivered(d.messageId, d.email));
    expect(again.json()).toEqual({ ok: true, outcome: 'repeated' });
    expect(await d.events()).toHaveLength(1);
    expect((await d.events())[0]).toMatchObject({ type: 'Delivery' });
  });

  it('a hard bounce marks the delivery bounced with the reason', async () => {
    const d = await sentDelivery();
    expect((await post(bounce(d.messageId, d.email, 'HardBounce', 4323372036))).status).toBe(200);
    const row = await d.read();
    expect(row.status).toBe('bounced');
    expect(row.statusDetail).toContain('unknown user');
    // A replayed bounce, or a late delivery event, leaves it bounced.
    await post(bounce(d.messageId, d.email, 'HardBounce', 4323372036));
    await post(delivered(d.messageId, d.email));
    expect((await d.read()).status).toBe('bounced');
    expect((await d.events()).map((e) => e.type).sort()).toEqual(['Bounce', 'Delivery']);
  });

  it('a soft bounce keeps the delivery sent and notes the problem', async () => {
    const d = await sentDelivery();
    await post(bounce(d.messageId, d.email, 'SoftBounce', 991));
    const row = await d.read();
    expect(row.status).toBe('sent');
    expect(row.statusDetail).toMatch(/Temporary problem \(SoftBounce\).*mailbox is full/);
  });

  it('a spam complaint marks the delivery bounced so staff know mail will not reach them', async () => {
    const d = await sentDelivery();
    await post({
      RecordType: 'SpamComplaint',
      ID: 42,
      Type: 'SpamComplaint',
      MessageID: d.messageId,
      Email: d.email,
      BouncedAt: '2026-11-25T10:03:00Z'
    });
    const row = await d.read();
    expect(row.status).toBe('bounced');
    expect(row.statusDetail).toMatch(/spam/);
  });

  it('answers 200 to event types it does not use, and stores nothing', async () => {
    const d = await sentDelivery();
    const open = await post({ RecordType: 'Open', MessageID: d.messageId, Recipient: d.email });
    expect(open.status).toBe(200);
    expect(open.json()).toEqual({ ok: true, outcome: 'ignored' });
    expect((await post({ hello: 'world' })).status).toBe(200);
    expect(await d.events()).toHaveLength(0);
    expect((await d.read()).status).toBe('sent');
  });
});
