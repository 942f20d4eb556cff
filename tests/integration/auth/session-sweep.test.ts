// Expired sessions are deleted by the schedule that runs beside the email worker, once an hour.
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { startReminderSchedule } from '../../../src/lib/server/packets/reminder-schedule';
import { createUser } from '../../support/factories';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';

const DAY = 86_400_000;

// A database of its own: the sweep deletes every expired session, other files' too.
let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await openScratchDatabase();
}, 180_000);
afterAll(() => scratch?.close());

async function sessionRows() {
  const rows = await scratch.handle.db.select().from(s.session).orderBy(asc(s.session.idHash));
  return rows.map((r) => r.idHash);
}

describe('expired sessions', () => {
  it('are deleted by the schedule, live ones kept, and at most once an hour', async () => {
    const db = scratch.handle.db;
    const user = await createUser(db);
    const now = Date.now();
    await db.insert(s.session).values([
      { idHash: 'expired', userId: user.id, kind: 'client', expiresAt: new Date(now - 1000) },
      { idHash: 'live-client', userId: user.id, kind: 'client', expiresAt: new Date(now + DAY) },
      { idHash: 'live-staff', userId: user.id, kind: 'staff', expiresAt: new Date(now + DAY) }
    ]);

    const messages: string[] = [];
    // Checks every 100 ms after the first, which comes a few seconds after start.
    const stop = startReminderSchedule(db, (message) => messages.push(message), 100);
    try {
      const deadline = Date.now() + 20_000;
      while ((await sessionRows()).includes('expired') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await sessionRows()).toEqual(['live-client', 'live-staff']);

      // Later checks within the hour leave sessions alone.
      await db
        .insert(s.session)
        .values({ idHash: 'expired-later', userId: user.id, expiresAt: new Date(now - 1000) });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await sessionRows()).toEqual(['expired-later', 'live-client', 'live-staff']);
    } finally {
      await stop();
    }
    expect(messages.filter((m) => /failed/.test(m))).toEqual([]);
  }, 180_000);
});
