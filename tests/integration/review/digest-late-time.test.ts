// Review of issue 18: a digest time late in the day (after the day's last sweep) must still send
// the digest, not keep its alerts waiting for ever. Scoped to this file's firm.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { sendDueDigests } from '../../../src/lib/server/alerts/digest';
import { calendarDayIn } from '../../../src/lib/format/time-zone';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

describe('the daily digest at 23:58', () => {
  it('goes after midnight when no sweep fell in the day’s last minutes', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    await db.update(s.firm).set({ timeZone: 'UTC' }).where(eq(s.firm.id, firm.id));
    const client = await createClient(db, firm.id, { responsibleUserId: staff.id });
    const { user: ada } = await createContact(db, client, { name: 'Ada Baker' });
    const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
    const doc = await addDocument(db, packet, { pages: 2, filename: 'statement.pdf' });
    await db
      .update(s.membership)
      .set({ questionAlerts: 'digest', digestMinute: 23 * 60 + 58 })
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
    const browser = new TestBrowser();
    await signIn(browser, ada.id, 'client');
    const asked = await browser.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'Is this the right account?', documentId: doc.id, page: '1' },
      { accept: 'text/html' }
    );
    expect(asked.status).toBeLessThan(400);
    const [asked1] = await db.select().from(s.staffAlert).where(eq(s.staffAlert.firmId, firm.id));
    expect(asked1.sentAt).toBeNull();
    // Asked at midday (whatever the clock says now): before the 23:58 digest of that day.
    const midday = new Date(`${calendarDayIn(new Date(asked1.createdAt), 'UTC')}T12:00:00Z`);
    const [alert] = await db
      .update(s.staffAlert)
      .set({ createdAt: midday })
      .where(eq(s.staffAlert.id, asked1.id))
      .returning();

    // Sweeps every five minutes: 23:55 today (before the time), then 00:00 tomorrow.
    const today = calendarDayIn(new Date(alert.createdAt), 'UTC');
    const beforeTime = new Date(`${today}T23:55:00Z`);
    await sendDueDigests(db, beforeTime, { firmId: firm.id });
    expect((await mailsTo(staff.email)).filter((m) => m.kind === 'alert_digest')).toEqual([]);
    await sendDueDigests(db, new Date(beforeTime.getTime() + 5 * 60_000), { firmId: firm.id });
    const digests = (await mailsTo(staff.email)).filter((m) => m.kind === 'alert_digest');
    expect(digests).toHaveLength(1);
    expect(digests[0].text).toContain('Is this the right account?');
  });
});
