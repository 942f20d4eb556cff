// Outbox rows an older release wrote, during a rolling upgrade past 0013: their message is in
// outbox.payload and they have no outbox_message row. The worker, the audit log, the webhook and
// the dev mailbox read them like rows written now (both drivers).
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { listMailbox, createMailboxTransport } from '../../src/lib/server/email/mailbox';
import { enqueueEmail, outboxRow, type EmailMessage } from '../../src/lib/server/email/outbox';
import { createPostmarkTransport } from '../../src/lib/server/email/postmark';
import { recordPostmarkEvent } from '../../src/lib/server/email/webhook';
import { createEmailWorker } from '../../src/lib/server/email/worker';
import {
  createClient,
  createContact,
  createFirm,
  createPacket,
  unique
} from '../support/factories';
import { selectOutbox } from '../support/outbox';
import { startPostmarkStub, type PostmarkStub } from '../support/postmark-stub';
import { openScratchDatabase, type ScratchDatabase } from '../support/scratch-db';

let scratch: ScratchDatabase;
let db: Db;
let stub: PostmarkStub;

beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.handle.db;
}, 180_000);
afterAll(async () => {
  await stub?.close();
  await scratch?.close();
});
beforeEach(async () => {
  await stub?.close();
  stub = await startPostmarkStub();
});

const message = (to: string, subject: string, firmId: string | null = null): EmailMessage => ({
  kind: 'packet',
  to,
  subject,
  html: `<p>${subject}</p>`,
  text: subject,
  replyTo: 'office@smith.test',
  firmId,
  metadata: { packet_id: 'p1' }
});

/** Writes a row as the release before 0013 did: the message in outbox.payload, nothing beside. */
async function enqueueAsOldRelease(m: EmailMessage): Promise<number> {
  const { kind, firmId, payload } = outboxRow(m);
  const [row] = await db
    .insert(s.outbox)
    .values({ kind, firmId, payload })
    .returning({ id: s.outbox.id });
  return row.id;
}

const postmarkWorker = (only?: { to?: string; firmId?: string }) =>
  createEmailWorker(db, {
    transport: createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      defaultFrom: 'Smith & Co <mail@smith.test>',
      timeoutSeconds: 5
    }),
    only
  });

describe('outbox rows an older release wrote', () => {
  it('are claimed and delivered once, beside rows written now, and audited', async () => {
    const firm = await createFirm(db);
    const client = await createClient(db, firm.id);
    const { contact, user } = await createContact(db, client);
    const packet = await createPacket(db, client);
    const oldId = await enqueueAsOldRelease(message(user.email, 'Written before', firm.id));
    await db.insert(s.delivery).values({
      firmId: firm.id,
      packetId: packet.id,
      version: 1,
      contactId: contact.id,
      outboxId: oldId
    });
    const newTo = `${unique('new')}@example.test`;
    const newId = await db.transaction((tx) =>
      enqueueEmail(tx, message(newTo, 'Written now', firm.id))
    );
    // Rows written now keep their message in outbox_message only.
    const [written] = await db.select().from(s.outbox).where(eq(s.outbox.id, newId));
    expect(written.payload).toBeNull();
    expect(
      await db.select().from(s.outboxMessage).where(eq(s.outboxMessage.outboxId, oldId))
    ).toEqual([]);

    const result = await postmarkWorker({ firmId: firm.id }).drain();
    expect(result).toMatchObject({ claimed: 2, sent: 2, failed: 0, retried: 0 });
    expect(stub.accepted).toHaveLength(2);
    const sent = (to: string) => stub.accepted.find((m) => m.To === to);
    expect(sent(user.email)).toMatchObject({
      Subject: 'Written before',
      HtmlBody: '<p>Written before</p>',
      TextBody: 'Written before',
      ReplyTo: 'office@smith.test',
      Tag: 'packet',
      Metadata: { packet_id: 'p1', outbox_id: String(oldId) }
    });
    expect(sent(newTo)).toMatchObject({ Subject: 'Written now', TextBody: 'Written now' });

    const rows = await selectOutbox(db).where(eq(s.outbox.firmId, firm.id)).orderBy(s.outbox.id);
    expect(rows.map((r) => [r.id, r.status, r.lockedBy, (r.payload as EmailMessage).to])).toEqual([
      [oldId, 'sent', null, user.email],
      [newId, 'sent', null, newTo]
    ]);
    const [delivery] = await db.select().from(s.delivery).where(eq(s.delivery.outboxId, oldId));
    expect(delivery.status).toBe('sent');
    expect((await postmarkWorker({ firmId: firm.id }).drain()).claimed).toBe(0);

    // The webhook finds the old row by its MessageID, and the audit log names both recipients.
    const oldMid = sent(user.email)!.MessageID;
    const report = {
      RecordType: 'Delivery',
      MessageID: oldMid,
      Recipient: user.email,
      DeliveredAt: '2026-12-07T10:01:02Z'
    };
    expect(await recordPostmarkEvent(db, report)).toBe('recorded');
    const [reported] = await db.select().from(s.delivery).where(eq(s.delivery.outboxId, oldId));
    expect(reported.status).toBe('delivered');
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.firmId, firm.id), like(s.auditEvent.action, 'email.%')))
      .orderBy(s.auditEvent.id);
    expect(audit.map((e) => [e.action, (e.data as { to?: string }).to]).sort()).toEqual([
      ['email.delivered', user.email],
      ['email.sent', newTo],
      ['email.sent', user.email]
    ]);
  });

  it('are found by their address when a worker takes only one recipient', async () => {
    const to = `${unique('only')}@example.test`;
    const oldId = await enqueueAsOldRelease(message(to.toUpperCase(), 'Only this one'));
    await enqueueAsOldRelease(message(`${unique('other')}@example.test`, 'Not this one'));
    const result = await postmarkWorker({ to }).drain();
    expect(result).toMatchObject({ claimed: 1, sent: 1 });
    expect(stub.accepted.map((m) => [m.To, m.Metadata?.outbox_id])).toEqual([
      [to.toUpperCase(), String(oldId)]
    ]);
  });

  it('show in the dev mailbox once delivered there', async () => {
    const to = `${unique('mailbox')}@example.test`;
    await enqueueAsOldRelease(message(to, 'Old mailbox mail'));
    await db.transaction((tx) => enqueueEmail(tx, message(to, 'New mailbox mail')));
    const worker = createEmailWorker(db, { transport: createMailboxTransport(), only: { to } });
    expect(await worker.drain()).toMatchObject({ claimed: 2, sent: 2 });
    const mail = await listMailbox(db, { to });
    expect(mail.map((m) => [m.to, m.subject, m.text])).toEqual([
      [to, 'New mailbox mail', 'New mailbox mail'],
      [to, 'Old mailbox mail', 'Old mailbox mail']
    ]);
  });
});
