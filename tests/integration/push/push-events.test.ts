// Which events reach a device, written beside their mail: a packet published (or a new version)
// and a reply to a contact; a reminder; a question or decline to the staff member who wants to
// hear at once. Sent through the outbox to the local push service and opened here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from '../../../src/lib/server/db/client';
import { getConfig } from '../../../src/lib/server/config';
import * as s from '../../../src/lib/server/db/schema';
import { createMailboxTransport } from '../../../src/lib/server/email/mailbox';
import { createEmailWorker } from '../../../src/lib/server/email/worker';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { createPushTransport } from '../../../src/lib/server/push/transport';
import { vapidKeys } from '../../../src/lib/server/push/vapid';
import { addDocument, createPacket, signIn } from '../../support/factories';
import { staffWorld } from '../../support/firm';
import { TestBrowser } from '../../support/server';
import { decryptPush } from '../../support/push-decrypt';
import { subscribeBrowser, type PushDevice } from '../../support/push-device';
import { startPushService, type PushServiceStub } from '../../support/push-service';

let service: PushServiceStub;
beforeAll(async () => {
  service = await startPushService();
});
afterAll(async () => {
  await service?.close();
});

/** Sends the firm's queued mail and pushes; returns what each device received, opened. */
async function deliver(firmId: string) {
  const db = getDb();
  await createEmailWorker(db, {
    transport: createMailboxTransport(),
    push: createPushTransport(db, { keys: () => vapidKeys(db, getConfig()) }),
    only: { firmId }
  }).drain();
}

const noticesAt = (device: PushDevice) =>
  service
    .receivedAt(device.endpoint)
    .map((r) => JSON.parse(decryptPush(r.body, device.keys)) as Record<string, string>);

async function world() {
  const w = await staffWorld();
  const [ada, vic] = w.contacts;
  const adaPhone = new TestBrowser();
  await signIn(adaPhone, ada.user.id, 'client');
  const adaDevice = await subscribeBrowser(adaPhone, service);
  const vicPhone = new TestBrowser();
  await signIn(vicPhone, vic.user.id, 'client');
  const vicDevice = await subscribeBrowser(vicPhone, service);
  const staffDevice = await subscribeBrowser(w.browser, service);
  await w.db
    .update(s.client)
    .set({ responsibleUserId: w.staff.id })
    .where(eq(s.client.id, w.client.id));
  return { ...w, adaPhone, adaDevice, vicDevice, staffDevice };
}

describe('pushes beside the mail', () => {
  it('tells each contact of a publish and of a new version, once per device', async () => {
    const w = await world();
    const packet = await createPacket(w.db, w.client, {
      status: 'draft',
      title: 'Quarterly review',
      period: '2026-Q3'
    });
    await addDocument(w.db, packet);
    await publishPacket(w.db, w.firm, packet.id, w.staff.id);
    await deliver(w.firm.id);
    expect(noticesAt(w.adaDevice)).toEqual([
      {
        title: w.firm.name,
        body: 'Q3 2026 Quarterly review is ready to review',
        url: `/p/${packet.id}`,
        tag: `packet-${packet.id}`
      }
    ]);
    expect(noticesAt(w.vicDevice).map((n) => n.body)).toEqual([
      'Q3 2026 Quarterly review is ready to view'
    ]);
    const [received] = service.receivedAt(w.adaDevice.endpoint);
    expect(received.headers.topic).toMatch(/^p[0-9a-f]{31}$/);
    // Staff hear nothing of their own publish.
    expect(noticesAt(w.staffDevice)).toEqual([]);

    // Staff add a document (staged until published) and publish version 2.
    await addDocument(w.db, { ...packet, version: 0 }, { filename: 'late.pdf' });
    await publishPacket(w.db, w.firm, packet.id, w.staff.id);
    await deliver(w.firm.id);
    expect(noticesAt(w.adaDevice).map((n) => n.body)).toEqual([
      'Q3 2026 Quarterly review is ready to review',
      'Q3 2026 Quarterly review has a new version'
    ]);
  });

  it('tells the staff member of a question at once, and the contact of the reply', async () => {
    const w = await world();
    const packet = await createPacket(w.db, w.client, { title: 'Year-end accounts' });
    const doc = await addDocument(w.db, packet);
    const asked = await w.adaPhone.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'What is the 4,200 transfer on page 2?', documentId: doc.id },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    await deliver(w.firm.id);
    const [question] = await w.db
      .select()
      .from(s.comment)
      .where(and(eq(s.comment.packetId, packet.id)));
    expect(noticesAt(w.staffDevice)).toEqual([
      {
        title: 'Question from Acme Bakery',
        body: 'Q3 2026 · Year-end accounts',
        url: `/firm/packets/${packet.id}#q-${question.id}`,
        tag: `question-${question.id}`
      }
    ]);
    // The question's words stay off the lock screen.
    expect(JSON.stringify(noticesAt(w.staffDevice))).not.toContain('4,200');
    expect(service.receivedAt(w.staffDevice.endpoint)[0].headers.urgency).toBe('high');

    const replied = await w.browser.post(
      `/firm/packets/${packet.id}?/reply`,
      { body: 'It is the VAT payment.', replyTo: question.id },
      { accept: 'text/html' }
    );
    expect(replied.status).toBe(200);
    await deliver(w.firm.id);
    expect(noticesAt(w.adaDevice)).toEqual([
      {
        title: w.firm.name,
        body: 'New reply about your Q3 2026 Year-end accounts',
        url: `/p/${packet.id}#thread`,
        tag: `reply-${packet.id}`
      }
    ]);
  });

  it('tells nobody at once whose alerts wait for the digest', async () => {
    const w = await world();
    await w.db
      .update(s.membership)
      .set({ questionAlerts: 'digest' })
      .where(eq(s.membership.userId, w.staff.id));
    const packet = await createPacket(w.db, w.client);
    const doc = await addDocument(w.db, packet);
    await w.adaPhone.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'A question', documentId: doc.id },
      { accept: 'text/html' }
    );
    await deliver(w.firm.id);
    expect(noticesAt(w.staffDevice)).toEqual([]);
  });

  it('tells the staff member of a decline', async () => {
    const w = await world();
    const packet = await createPacket(w.db, w.client, { title: 'Payroll' });
    await addDocument(w.db, packet);
    const declined = await w.adaPhone.post(
      `/p/${packet.id}?/decline`,
      { version: '1', reason: 'The totals are wrong.' },
      { accept: 'text/html' }
    );
    expect(declined.status).toBe(200);
    await deliver(w.firm.id);
    expect(noticesAt(w.staffDevice)).toMatchObject([
      { title: 'Declined by Acme Bakery', url: `/firm/packets/${packet.id}#declines` }
    ]);
    expect(JSON.stringify(noticesAt(w.staffDevice))).not.toContain('totals');
  });

  it('reminds an approver of the due date beside the reminder mail', async () => {
    const w = await world();
    const dueAt = new Date(Date.now() + 10 * 86_400_000);
    const packet = await createPacket(w.db, w.client, { status: 'draft', dueAt });
    await addDocument(w.db, packet);
    await publishPacket(w.db, w.firm, packet.id, w.staff.id);
    await deliver(w.firm.id);
    const later = new Date(Date.now() + 4 * 86_400_000);
    expect(await sendDueReminders(w.db, later, { firmId: w.firm.id })).toBe(1);
    await deliver(w.firm.id);
    const bodies = noticesAt(w.adaDevice).map((n) => n.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatch(/^Q3 2026 Quarterly review is due \w{3} \d{1,2} \w{3} \d{4}$/);
    // The viewer is never asked to review by a date.
    expect(noticesAt(w.vicDevice)).toHaveLength(1);
  });
});
