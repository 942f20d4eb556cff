// Mail on the audit log: each message sent, refused or given up by the worker, and each delivery
// or bounce Postmark reports, once (replays and early reports included).
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { recordOutcome } from '../../src/lib/server/email/outbox-results';
import { recordPostmarkEvent } from '../../src/lib/server/email/webhook';
import { createClient, createContact, createFirm, createPacket } from '../support/factories';

const POSTMARK = { name: 'postmark', deliversOnSend: false } as const;
const none = { sent: [], failed: [], retry: [], dead: [], released: [] };

/** A packet mail claimed by `worker`, with its delivery, and a sign-in mail to the same user. */
async function claimedMail(worker: string) {
  const db = getDb();
  const firm = await createFirm(db);
  const client = await createClient(db, firm.id);
  const { contact, user } = await createContact(db, client);
  const packet = await createPacket(db, client, { version: 2 });
  const claim = { status: 'pending' as const, lockedBy: worker, lockedAt: new Date() };
  const [packetMail, signInMail] = await db
    .insert(s.outbox)
    .values([
      { kind: 'packet', firmId: firm.id, payload: { to: user.email }, ...claim },
      { kind: 'sign_in', firmId: firm.id, payload: { to: user.email }, ...claim }
    ])
    .returning();
  await db.insert(s.delivery).values({
    firmId: firm.id,
    packetId: packet.id,
    version: 2,
    contactId: contact.id,
    outboxId: packetMail.id
  });
  const audit = () =>
    db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.firmId, firm.id), like(s.auditEvent.action, 'email.%')))
      .orderBy(s.auditEvent.id);
  return { firm, packet, contact, user, packetMail, signInMail, audit };
}

const delivered = (messageId: string, to: string) => ({
  RecordType: 'Delivery',
  MessageID: messageId,
  Recipient: to,
  DeliveredAt: '2026-12-06T10:01:02Z'
});

describe('mail on the audit log', () => {
  it('records each message sent, about its packet or its user, and each report once', async () => {
    const worker = randomUUID();
    const m = await claimedMail(worker);
    const [mid1, mid2] = [randomUUID(), randomUUID()];
    await recordOutcome(getDb(), worker, POSTMARK, {
      ...none,
      sent: [
        { id: m.packetMail.id, mid: mid1 },
        { id: m.signInMail.id, mid: mid2 }
      ]
    });
    // Recording the same outcome again (a confused worker) touches no row and audits nothing.
    await recordOutcome(getDb(), worker, POSTMARK, {
      ...none,
      sent: [{ id: m.packetMail.id, mid: mid1 }]
    });
    let events = await m.audit();
    expect(events.map((e) => [e.action, e.subject])).toEqual(
      expect.arrayContaining([
        ['email.sent', `packet:${m.packet.id}`],
        ['email.sent', `user:${m.user.id}`]
      ])
    );
    expect(events).toHaveLength(2);
    expect(events.find((e) => e.subject === `packet:${m.packet.id}`)?.data).toMatchObject({
      outboxId: m.packetMail.id,
      type: 'packet',
      to: m.user.email,
      version: 2,
      contactId: m.contact.id
    });
    expect(events.find((e) => e.subject === `user:${m.user.id}`)?.data).toEqual({
      outboxId: m.signInMail.id,
      type: 'sign_in',
      to: m.user.email
    });

    // Delivered, then the same report replayed: one event.
    expect(await recordPostmarkEvent(getDb(), delivered(mid1, m.user.email))).toBe('recorded');
    expect(await recordPostmarkEvent(getDb(), delivered(mid1, m.user.email))).toBe('repeated');
    const hard = {
      RecordType: 'Bounce',
      ID: Math.floor(Math.random() * 1e9),
      Type: 'HardBounce',
      MessageID: mid2,
      Email: m.user.email,
      BouncedAt: '2026-12-06T10:02:00Z',
      Description: 'Mailbox not found',
      Inactive: true
    };
    expect(await recordPostmarkEvent(getDb(), hard)).toBe('recorded');
    expect(await recordPostmarkEvent(getDb(), hard)).toBe('repeated');
    const soft = { ...hard, ID: hard.ID + 1, Type: 'SoftBounce', Inactive: false };
    expect(await recordPostmarkEvent(getDb(), soft)).toBe('recorded');

    events = await m.audit();
    expect(events.map((e) => e.action).sort()).toEqual([
      'email.bounced',
      'email.delayed',
      'email.delivered',
      'email.sent',
      'email.sent'
    ]);
    expect(events.find((e) => e.action === 'email.delivered')).toMatchObject({
      subject: `packet:${m.packet.id}`,
      actorId: null,
      data: {
        outboxId: m.packetMail.id,
        version: 2,
        contactId: m.contact.id,
        messageId: mid1,
        reportedAt: '2026-12-06T10:01:02Z'
      }
    });
    expect(events.find((e) => e.action === 'email.bounced')).toMatchObject({
      subject: `user:${m.user.id}`,
      data: { bounceType: 'HardBounce', description: 'Mailbox not found', type: 'sign_in' }
    });
  });

  it('audits a report that came before the send was recorded once, when the send is', async () => {
    const worker = randomUUID();
    const m = await claimedMail(worker);
    const mid = randomUUID();
    // Postmark's webhook beats its own API answer: no outbox row holds the MessageID yet.
    expect(await recordPostmarkEvent(getDb(), delivered(mid, m.user.email))).toBe('recorded');
    expect(await m.audit()).toHaveLength(0);
    await recordOutcome(getDb(), worker, POSTMARK, {
      ...none,
      sent: [{ id: m.packetMail.id, mid }]
    });
    const events = await m.audit();
    expect(events.map((e) => e.action)).toEqual(['email.sent', 'email.delivered']);
    // A late replay of the same report changes nothing.
    expect(await recordPostmarkEvent(getDb(), delivered(mid, m.user.email))).toBe('repeated');
    expect(await m.audit()).toHaveLength(2);
  });

  it('records mail refused for good and mail given up, with the reason', async () => {
    const worker = randomUUID();
    const m = await claimedMail(worker);
    await recordOutcome(getDb(), worker, POSTMARK, {
      ...none,
      failed: [{ id: m.packetMail.id, error: 'Inactive recipient' }],
      dead: [{ id: m.signInMail.id, error: 'Postmark unreachable for 24 hours' }]
    });
    const events = await m.audit();
    expect(events.map((e) => [e.action, e.subject, (e.data as { error: string }).error])).toEqual(
      expect.arrayContaining([
        ['email.failed', `packet:${m.packet.id}`, 'Inactive recipient'],
        ['email.given_up', `user:${m.user.id}`, 'Postmark unreachable for 24 hours']
      ])
    );
    expect(events).toHaveLength(2);
  });
});
