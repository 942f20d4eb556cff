import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { sendDueReminders } from '../../../src/lib/server/packets/reminders';
import { getDatabase } from '../../../src/lib/server/db/client';
import { addDocument, createPacket } from '../../support/factories';
import { staffWorld } from '../../support/firm';

const DAY = 86_400_000;

async function reminderMails(db: ReturnType<typeof getDatabase>['db'], packetId: string) {
  return (await db.select().from(s.outbox).where(eq(s.outbox.kind, 'reminder'))).filter(
    (o) => (o.payload as { metadata: { packetId: string } }).metadata.packetId === packetId
  );
}

describe('automatic reminders', () => {
  it('reminds unreviewed contacts every N days, once, until they review or the due date passes', async () => {
    const { db, client, firm, staff, contacts } = await staffWorld();
    const packet = await createPacket(db, client, {
      status: 'draft',
      dueAt: new Date(Date.now() + 30 * DAY)
    });
    await addDocument(db, packet);
    await publishPacket(db, firm, packet.id, staff.id);
    // Contact 0 approved; contact 1 did not.
    await db.insert(s.decision).values({
      firmId: firm.id,
      packetId: packet.id,
      version: 1,
      contactId: contacts[0].contact.id,
      kind: 'approve'
    });
    await sendDueReminders(db, new Date(Date.now() + 1 * DAY));
    expect(await reminderMails(db, packet.id)).toHaveLength(0);

    // Two instances at the same moment: each due reminder goes out exactly once.
    const at = new Date(Date.now() + 3 * DAY + 1000);
    await Promise.all([sendDueReminders(db, at), sendDueReminders(db, at)]);
    const mails = await reminderMails(db, packet.id);
    expect(mails.map((m) => (m.payload as { to: string }).to)).toEqual([contacts[1].user.email]);
    await sendDueReminders(db, new Date(at.getTime() + DAY));
    expect(await reminderMails(db, packet.id)).toHaveLength(1);
    await sendDueReminders(db, new Date(at.getTime() + 3 * DAY + 1000));
    expect(await reminderMails(db, packet.id)).toHaveLength(2);

    // Past the due date: no more.
    await sendDueReminders(db, new Date(Date.now() + 40 * DAY));
    expect(await reminderMails(db, packet.id)).toHaveLength(2);
    const [d] = await db
      .select()
      .from(s.delivery)
      .where(
        and(eq(s.delivery.packetId, packet.id), eq(s.delivery.contactId, contacts[1].contact.id))
      );
    expect(d.reminders).toBe(2);
  });

  it('does not remind on drafts, archived packets or firms with reminders off', async () => {
    const { db, client, firm, staff } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet);
    await publishPacket(db, firm, packet.id, staff.id);
    await db.update(s.firm).set({ reminderEveryDays: 0 }).where(eq(s.firm.id, firm.id));
    await sendDueReminders(db, new Date(Date.now() + 10 * DAY));
    expect(await reminderMails(db, packet.id)).toHaveLength(0);
    await db.update(s.firm).set({ reminderEveryDays: 3 }).where(eq(s.firm.id, firm.id));
    await db.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, packet.id));
    await sendDueReminders(db, new Date(Date.now() + 10 * DAY));
    expect(await reminderMails(db, packet.id)).toHaveLength(0);
  });
});
