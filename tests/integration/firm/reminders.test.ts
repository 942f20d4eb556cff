import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { getConfig } from '../../../src/lib/server/config';
import { startBackgroundWork } from '../../../src/lib/server/background';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { getDatabase, type Db } from '../../../src/lib/server/db/client';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';
import { staffWorld } from '../../support/firm';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';
import { selectOutbox } from '../../support/outbox';

const DAY = 86_400_000;

async function reminderMails(db: ReturnType<typeof getDatabase>['db'], packetId: string) {
  return (
    await selectOutbox(db).where(and(eq(s.outbox.kind, 'reminder'), eq(s.outbox.channel, 'email')))
  ).filter((o) => (o.payload as { metadata: { packetId: string } }).metadata.packetId === packetId);
}

describe('automatic reminders', () => {
  it('reminds approvers who have not reviewed every N days, once, until they review or the due date passes', async () => {
    const { db, client, firm, staff, contacts } = await staffWorld();
    // Every approver must approve: one approval leaves the other still reminded.
    await db.update(s.firm).set({ approvalRule: 'all' }).where(eq(s.firm.id, firm.id));
    // Contacts 0 and 2 approve; contact 1 is a viewer, never asked to review by a date.
    const second = await createContact(db, client, { name: 'Bo Second' });
    const packet = await createPacket(db, client, {
      status: 'draft',
      dueAt: new Date(Date.now() + 30 * DAY)
    });
    await addDocument(db, packet);
    await publishPacket(db, firm, packet.id, staff.id);
    // Contact 0 approved; the second approver did not.
    await db.insert(s.decision).values({
      firmId: firm.id,
      packetId: packet.id,
      version: 1,
      contactId: contacts[0].contact.id,
      kind: 'approve'
    });
    await sendDueReminders(db, new Date(Date.now() + 1 * DAY), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(0);

    // Two instances at the same moment: each due reminder goes out exactly once.
    const at = new Date(Date.now() + 3 * DAY + 1000);
    await Promise.all([
      sendDueReminders(db, at, { firmId: firm.id }),
      sendDueReminders(db, at, { firmId: firm.id })
    ]);
    const mails = await reminderMails(db, packet.id);
    expect(mails.map((m) => (m.payload as { to: string }).to)).toEqual([second.user.email]);
    await sendDueReminders(db, new Date(at.getTime() + DAY), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(1);
    await sendDueReminders(db, new Date(at.getTime() + 3 * DAY + 1000), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(2);

    // Past the due date: no more.
    await sendDueReminders(db, new Date(Date.now() + 40 * DAY), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(2);
    const [d] = await db
      .select()
      .from(s.delivery)
      .where(and(eq(s.delivery.packetId, packet.id), eq(s.delivery.contactId, second.contact.id)));
    expect(d.reminders).toBe(2);
  });

  it('does not remind on drafts, archived packets or firms with reminders off', async () => {
    const { db, client, firm, staff } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet);
    await publishPacket(db, firm, packet.id, staff.id);
    await db.update(s.firm).set({ reminderEveryDays: 0 }).where(eq(s.firm.id, firm.id));
    await sendDueReminders(db, new Date(Date.now() + 10 * DAY), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(0);
    await db.update(s.firm).set({ reminderEveryDays: 3 }).where(eq(s.firm.id, firm.id));
    await db.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, packet.id));
    await sendDueReminders(db, new Date(Date.now() + 10 * DAY), { firmId: firm.id });
    expect(await reminderMails(db, packet.id)).toHaveLength(0);
  });
});

// On a database of their own: the worker below sends (and the reminder runs claim) whatever is
// due in the whole database, which must not be other files' packets.
describe('reminders across workers', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
  }, 180_000);
  afterAll(async () => {
    await scratch?.close();
  });

  /** A firm with one client of `contacts` contacts and `packets` packets published to them. */
  async function publishedWorld(db: Db, contacts: number, packets: number) {
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    for (let i = 0; i < contacts; i++) await createContact(db, client);
    const ids: string[] = [];
    for (let i = 0; i < packets; i++) {
      const packet = await createPacket(db, client, { status: 'draft' });
      await addDocument(db, packet);
      await publishPacket(db, firm, packet.id, staff.id);
      ids.push(packet.id);
    }
    return { firm, packetIds: ids };
  }

  it('never sends a reminder twice when workers on separate connections run at once', async () => {
    const one = scratch.handle;
    const two = await scratch.openPool();
    // On PostgreSQL these are two connection pools, as two instances would have.
    if (scratch.url) expect(two).not.toBe(one);
    const { packetIds } = await publishedWorld(one.db, 24, 3);
    const deliveries = await one.db
      .select()
      .from(s.delivery)
      .where(inArray(s.delivery.packetId, packetIds));
    expect(deliveries).toHaveLength(72);

    // Four runs at a time (two per pool), each claiming at most 5, until nothing is left.
    const at = new Date(Date.now() + 3 * DAY + 1000);
    let sent = 0;
    for (let round = 0; round < 40; round++) {
      const counts = await Promise.all(
        [one, two, one, two].map((h) => sendDueReminders(h.db, at, { limit: 5 }))
      );
      const n = counts.reduce((a, b) => a + b, 0);
      if (n === 0) break;
      sent += n;
    }
    expect(sent).toBe(72);
    expect(await sendDueReminders(two.db, at)).toBe(0);

    const mails = (
      await selectOutbox(one.db).where(
        and(eq(s.outbox.kind, 'reminder'), eq(s.outbox.channel, 'email'))
      )
    ).filter((o) =>
      packetIds.includes((o.payload as { metadata: { packetId: string } }).metadata.packetId)
    );
    const mailed = mails.map(
      (m) => (m.payload as { metadata: { deliveryId: string } }).metadata.deliveryId
    );
    expect(mailed).toHaveLength(72);
    expect(new Set(mailed)).toEqual(new Set(deliveries.map((d) => d.id)));
    const after = await one.db
      .select()
      .from(s.delivery)
      .where(inArray(s.delivery.packetId, packetIds));
    expect(after.every((d) => d.reminders === 1)).toBe(true);
    // The audit trail names each contact once per packet, across every run that sent some.
    const audit = await one.db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.action, 'packet.reminded'));
    for (const packetId of packetIds) {
      const named = audit
        .filter((a) => a.subject === `packet:${packetId}`)
        .flatMap((a) => (a.data as { contacts: string[] }).contacts);
      expect(named).toHaveLength(24);
      expect(new Set(named).size).toBe(24);
    }
  });

  it('the background work beside the email worker starts the reminder schedule', async () => {
    const { db } = scratch.handle;
    const { packetIds } = await publishedWorld(db, 1, 1);
    // The mail went out four days ago and nobody has reviewed it.
    await db
      .update(s.delivery)
      .set({ createdAt: new Date(Date.now() - 4 * DAY) })
      .where(eq(s.delivery.packetId, packetIds[0]));
    const reminders = async () =>
      (
        await selectOutbox(db).where(
          and(eq(s.outbox.kind, 'reminder'), eq(s.outbox.channel, 'email'))
        )
      ).filter(
        (o) => (o.payload as { metadata: { packetId: string } }).metadata.packetId === packetIds[0]
      );
    expect(await reminders()).toEqual([]);

    const stop = startBackgroundWork(scratch.handle, getConfig());
    try {
      // The schedule's first check comes a few seconds after start; the worker then sends it.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const rows = await reminders();
        if (rows.some((r) => r.status === 'sent')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await stop();
    }
    const rows = await reminders();
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('sent');
    const [d] = await db.select().from(s.delivery).where(eq(s.delivery.packetId, packetIds[0]));
    expect(d.reminders).toBe(1);
  }, 180_000);
});
