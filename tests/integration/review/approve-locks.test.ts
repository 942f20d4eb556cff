// An approval and a reminder (or a nudge) for the same contact at the same moment. The reminder
// claims the contact's delivery row, then writes the new link, whose packet_id takes a key-share
// lock on the packet; the approval locks the packet, then marks that delivery reviewed. With the
// approval's lock FOR UPDATE the two wait for each other and PostgreSQL kills one ("deadlock
// detected": the contact saw a 500). PGlite has one connection and takes them in turn.
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { approvePacket } from '../../../src/lib/server/review/decisions';
import { declinePacket } from '../../../src/lib/server/review/decline';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';
import { getDb } from '../../../src/lib/server/db/client';

const onPostgres = process.env.SHEAF_TEST_DB === 'postgres';

describe.runIf(onPostgres)('an approval while a reminder holds the delivery', () => {
  it('waits for the reminder instead of deadlocking with it', async () => {
    const db = getDb();
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { contact, user } = await createContact(db, client);
    const packet = await createPacket(db, client);
    await addDocument(db, packet);
    const [delivery] = await db
      .insert(s.delivery)
      .values({ firmId: firm.id, packetId: packet.id, version: 1, contactId: contact.id })
      .returning();

    let approval: ReturnType<typeof approvePacket> | undefined;
    await db.transaction(async (reminder) => {
      // The reminder's claim: the delivery row is now this transaction's.
      await reminder
        .update(s.delivery)
        .set({ reminders: sql`${s.delivery.reminders} + 1` })
        .where(eq(s.delivery.id, delivery.id));
      approval = approvePacket(db, {
        packet,
        contact,
        seenVersion: 1,
        evidence: { ip: null, userAgent: null, signInMethod: 'link' }
      });
      approval.catch(() => {});
      // Wait until the approval holds the packet and waits for the delivery row.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [{ n }] = (await db.execute(sql`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
            and query ilike 'update "delivery"%'`)) as unknown as { n: number }[];
        if (Number(n) >= 1) break;
        if (Date.now() > deadline) throw new Error('the approval never waited for the delivery');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The reminder's new link names the packet: a key-share lock on its row.
      await reminder.insert(s.magicLink).values({
        tokenHash: `deadlock-test-${delivery.id}`,
        userId: user.id,
        firmId: firm.id,
        purpose: 'packet',
        packetId: packet.id,
        expiresAt: new Date(Date.now() + 86_400_000)
      });
    });
    const result = await approval!;
    expect(result.ok).toBe(true);
    const [after] = await db.select().from(s.delivery).where(eq(s.delivery.id, delivery.id));
    expect(after.reviewedAt).not.toBeNull();
    expect(after.reminders).toBe(1);
  });
});

describe.runIf(onPostgres)('an approval or decline waiting while staff archive the packet', () => {
  for (const kind of ['approve', 'decline'] as const) {
    it(`is refused once the archive commits (${kind})`, async () => {
      const db = getDb();
      const { firm } = await createFirmWithStaff(db);
      const client = await createClient(db, firm.id);
      const { contact } = await createContact(db, client);
      const packet = await createPacket(db, client);
      await addDocument(db, packet);
      const evidence = { ip: null, userAgent: null, signInMethod: 'link' as const };
      let decided: Promise<{ ok: boolean }> | undefined;
      await db.transaction(async (staff) => {
        // Staff archive: the packet row is theirs until they commit.
        await staff.select().from(s.packet).where(eq(s.packet.id, packet.id)).for('update');
        decided =
          kind === 'approve'
            ? approvePacket(db, { packet, contact, seenVersion: 1, evidence })
            : declinePacket(db, { packet, contact, seenVersion: 1, evidence, reason: 'Wrong' });
        decided.catch(() => {});
        const deadline = Date.now() + 30_000;
        for (;;) {
          const [{ n }] = (await db.execute(sql`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'
              and query ilike '%from "packet"%for no key update%'`)) as unknown as { n: number }[];
          if (Number(n) >= 1) break;
          if (Date.now() > deadline) throw new Error('the decision never waited for the packet');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await staff.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, packet.id));
      });
      expect((await decided!).ok).toBe(false);
      const rows = await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id));
      expect(rows).toEqual([]);
    });
  }
});
