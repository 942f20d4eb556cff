// The daily digest: each member's waiting alerts in one mail, once a day at their chosen time in
// the firm's zone. Safe on every instance at once: the digest's outbox row carries an
// idempotency key per person and day, and only the transaction that wrote it claims the alerts.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { getConfig } from '../config';
import type { Db } from '../db/client';
import {
  firm as firmTable,
  membership,
  outbox,
  outboxMessage,
  staffAlert,
  user
} from '../db/schema';
import { calendarDayIn, dateTimeFormat } from '../../format/time-zone';
import { issueMagicLink } from '../auth/magic-link';
import { enqueueEmailOnce, outboxRow } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { digestSummary, renderDigest } from '../email/templates/staff-alerts';
import { approvalItem, declineItems, questionItems } from './items';

/** Minutes since midnight on the wall clock of the zone at that instant. */
export function wallMinutesIn(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })
      .formatToParts(date)
      .map((p) => [p.type, Number(p.value)])
  );
  return parts.hour * 60 + parts.minute;
}

/**
 * The member's latest digest time at or before `now`, on the firm's wall clock: the day it
 * belongs to (the digest's key) and the instant. A digest carries the alerts made before that
 * instant, so it arrives at the chosen time of day, never earlier because an alert came in
 * after it; an alert made later waits for the next day's. When no sweep fell between a late
 * time (23:58) and midnight, the sweeps after midnight still owe that day's digest.
 *
 * The instant counts back the minutes the wall clock moved since the time of day: a DST change
 * in between shifts it by that change (an alert made in that hour may wait a day). A time
 * skipped by a DST change counts as passed once the clock jumps over it; a time repeated when
 * clocks go back is still one digest (the day's key).
 */
export function latestDigest(
  now: Date,
  timeZone: string,
  digestMinute: number
): { day: string; at: Date } {
  const wall = wallMinutesIn(now, timeZone);
  const today = calendarDayIn(now, timeZone);
  const passedToday = wall >= digestMinute;
  const minutesSince = passedToday ? wall - digestMinute : wall + 24 * 60 - digestMinute;
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  return {
    day: passedToday ? today : previousDay(today),
    at: new Date(minute - minutesSince * 60_000)
  };
}

/** 'YYYY-MM-DD' of the calendar day before. */
function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

export const digestKey = (firmId: string, userId: string, day: string) =>
  `digest:${firmId}:${userId}:${day}`;

/** "08:00" from 480. */
export const minuteToTime = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Sends every digest due at `now`: for each member with alerts made before their latest digest
 * time (in the firm's zone) and no digest yet for that day. Returns how many this call queued.
 */
export async function sendDueDigests(
  db: Db,
  now = new Date(),
  /** Only this firm's members (tests, which share a database with others, sweep their own). */
  only: { firmId?: string } = {}
): Promise<number> {
  const waiting = await db
    .select({
      firmId: staffAlert.firmId,
      userId: staffAlert.userId,
      digestMinute: membership.digestMinute,
      timeZone: firmTable.timeZone,
      oldest: sql<string>`min(${staffAlert.createdAt})`
    })
    .from(staffAlert)
    .innerJoin(
      membership,
      and(eq(membership.firmId, staffAlert.firmId), eq(membership.userId, staffAlert.userId))
    )
    .innerJoin(firmTable, eq(firmTable.id, staffAlert.firmId))
    .where(
      and(isNull(staffAlert.sentAt), only.firmId ? eq(staffAlert.firmId, only.firmId) : undefined)
    )
    .groupBy(staffAlert.firmId, staffAlert.userId, membership.digestMinute, firmTable.timeZone);
  let sent = 0;
  for (const w of waiting) {
    const { day, at } = latestDigest(now, w.timeZone, w.digestMinute);
    // Everything waiting came in after the latest digest time: it waits for the next one.
    if (new Date(w.oldest).getTime() >= at.getTime()) continue;
    if (await sendDigest(db, w.firmId, w.userId, day, at, now)) sent++;
  }
  return sent;
}

/**
 * One member's digest for `day`: the alerts made before `before`, in one transaction; false when
 * that day's digest was already sent (or nothing was waiting).
 */
export async function sendDigest(
  db: Db,
  firmId: string,
  userId: string,
  day: string,
  before: Date,
  now = new Date()
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const pending = await tx
      .select()
      .from(staffAlert)
      .where(
        and(
          eq(staffAlert.firmId, firmId),
          eq(staffAlert.userId, userId),
          isNull(staffAlert.sentAt),
          sql`${staffAlert.createdAt} < ${before.toISOString()}::timestamptz`
        )
      )
      .orderBy(asc(staffAlert.createdAt));
    if (!pending.length) return false;
    const [firm] = await tx.select().from(firmTable).where(eq(firmTable.id, firmId));
    const [person] = await tx.select().from(user).where(eq(user.id, userId));
    const questions = await questionItems(
      tx,
      pending.filter((a) => a.kind === 'question' && a.commentId).map((a) => a.commentId!)
    );
    const declines = await declineItems(
      tx,
      pending.filter((a) => a.kind === 'decline' && a.decisionId).map((a) => a.decisionId!)
    );
    const approvals = [];
    for (const a of pending.filter((x) => x.kind === 'approval')) {
      const item = await approvalItem(tx, a.packetId, a.version);
      if (item) approvals.push(item);
    }
    if (!questions.length && !approvals.length && !declines.length) {
      // Everything waiting went stale (an approval withdrawn, a decline superseded since):
      // nothing to mail, and these alerts are done.
      await tx
        .update(staffAlert)
        .set({ sentAt: sql`now()` })
        .where(
          and(
            inArray(
              staffAlert.id,
              pending.map((a) => a.id)
            ),
            isNull(staffAlert.sentAt)
          )
        );
      return false;
    }
    // The key first: a second instance (or a second sweep today) gets no row and claims nothing.
    const outboxId = await enqueueEmailOnce(
      tx,
      { kind: 'alert_digest', to: person.email, subject: '', html: '', text: '', firmId },
      digestKey(firmId, userId, day)
    );
    if (outboxId === null) return false;
    const claimed = await tx
      .update(staffAlert)
      .set({ sentAt: sql`now()`, outboxId })
      .where(
        and(
          inArray(
            staffAlert.id,
            pending.map((a) => a.id)
          ),
          isNull(staffAlert.sentAt)
        )
      )
      .returning({ id: staffAlert.id });
    if (!claimed.length) {
      await tx.delete(outbox).where(eq(outbox.id, outboxId));
      return false;
    }
    const link = await issueMagicLink(tx, {
      userId,
      purpose: 'alert',
      firmId,
      redirectTo: '/firm',
      ttlMs: 24 * 3600_000
    });
    const mail = renderDigest(
      firm,
      { questions, approvals, declines },
      link,
      `${getConfig().origin}/account`,
      now
    );
    const { payload } = outboxRow({
      kind: 'alert_digest',
      to: person.email,
      subject: `${firm.name}: ${digestSummary(questions.length, approvals.length, declines.length)}`,
      ...mail,
      ...firmEnvelope(firm)
    });
    await tx.update(outboxMessage).set({ payload }).where(eq(outboxMessage.outboxId, outboxId));
    return true;
  });
}
