// How long a packet link works: long enough for the work it asks for, never open-ended.
import { calendarDayIn, endOfDayIn, zoneOrUtc } from '../../format/time-zone';
import type { Firm } from '../db/schema';

const DAY = 86_400_000;

/** No packet link works longer than this, whatever the due date and the firm's settings. */
export const MAX_PACKET_LINK_DAYS = 45;

/** The calendar day `days` after 'YYYY-MM-DD' (negative: before). */
function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * When a packet link made at `now` stops working: at the end of the packet's due day plus the
 * firm's grace, but at least the firm's link lifetime and at most 45 days; with no due date,
 * the firm's link lifetime. `dueAt` is the due date as contacts see it (the published one).
 * Every answer is the end of a day in the firm's zone, so a mail can name that day and be
 * true: "This link works until Fri 18 Dec 2026".
 */
export function packetLinkExpiresAt(
  firm: Pick<Firm, 'packetLinkDays' | 'linkGraceDays' | 'timeZone'>,
  dueAt: Date | null,
  now = new Date()
): Date {
  const zone = zoneOrUtc(firm.timeZone);
  const endOf = (day: string) => endOfDayIn(day, zone);
  const dayOf = (at: number) => calendarDayIn(new Date(at), zone);
  // The end of the day the lifetime runs out on: never shorter than the lifetime itself.
  let expiresAt = endOf(dayOf(now.getTime() + firm.packetLinkDays * DAY));
  if (dueAt) {
    const graceEnd = endOf(addDays(dayOf(dueAt.getTime()), firm.linkGraceDays));
    if (graceEnd > expiresAt) expiresAt = graceEnd;
  }
  const cap = now.getTime() + MAX_PACKET_LINK_DAYS * DAY;
  // Past the cap: the end of the last whole day before it.
  if (expiresAt.getTime() > cap) expiresAt = endOf(addDays(dayOf(cap), -1));
  return expiresAt;
}
