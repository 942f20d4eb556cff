import { describe, expect, it } from 'vitest';
import { MAX_PACKET_LINK_DAYS, packetLinkExpiresAt } from './link-lifetime';

const utc = { packetLinkDays: 7, linkGraceDays: 7, timeZone: 'UTC' };
const now = new Date('2026-12-01T10:00:00Z');
/** The end of a due day as the packet form stores it (firm in UTC). */
const due = (day: string) => new Date(`${day}T23:59:59Z`);

describe('packetLinkExpiresAt', () => {
  it("with no due date: the firm's link lifetime, to the end of that day", () => {
    expect(packetLinkExpiresAt(utc, null, now).toISOString()).toBe('2026-12-08T23:59:59.000Z');
    const short = { ...utc, packetLinkDays: 1 };
    expect(packetLinkExpiresAt(short, null, now).toISOString()).toBe('2026-12-02T23:59:59.000Z');
  });

  it('runs to the due date plus the grace, never less than the lifetime', () => {
    // Due in 2 days: 2 + 7 days of grace beats the 7-day lifetime.
    expect(packetLinkExpiresAt(utc, due('2026-12-03'), now).toISOString()).toBe(
      '2026-12-10T23:59:59.000Z'
    );
    // Due tomorrow with no grace: the lifetime wins.
    const noGrace = { ...utc, linkGraceDays: 0 };
    expect(packetLinkExpiresAt(noGrace, due('2026-12-02'), now).toISOString()).toBe(
      '2026-12-08T23:59:59.000Z'
    );
    // Past due: the lifetime, so a late reminder's link still works for a while.
    expect(packetLinkExpiresAt(utc, due('2026-11-01'), now).toISOString()).toBe(
      '2026-12-08T23:59:59.000Z'
    );
  });

  it('stops at 45 days: the end of the last whole day before', () => {
    expect(MAX_PACKET_LINK_DAYS).toBe(45);
    const far = packetLinkExpiresAt(utc, due('2027-06-30'), now);
    expect(far.toISOString()).toBe('2027-01-14T23:59:59.000Z');
    expect(far.getTime() - now.getTime()).toBeLessThanOrEqual(45 * 86_400_000);
    // A lifetime of 45 days is capped the same way.
    const long = { ...utc, packetLinkDays: 45 };
    expect(packetLinkExpiresAt(long, null, now).toISOString()).toBe('2027-01-14T23:59:59.000Z');
  });

  it("counts days in the firm's zone, across a change of the clocks", () => {
    const ny = { ...utc, timeZone: 'America/New_York' };
    // 22:00 on 30 Nov in New York: seven days on is 7 Dec there, ending 04:59:59 UTC on the 8th.
    expect(packetLinkExpiresAt(ny, null, new Date('2026-12-01T03:00:00Z')).toISOString()).toBe(
      '2026-12-08T04:59:59.000Z'
    );
    // Due Fri 30 Oct (EDT) plus 7 days: Fri 6 Nov, after the clocks went back (EST).
    const dueNy = new Date('2026-10-31T03:59:59Z');
    expect(packetLinkExpiresAt(ny, dueNy, new Date('2026-10-20T12:00:00Z')).toISOString()).toBe(
      '2026-11-07T04:59:59.000Z'
    );
  });

  it('takes an unknown zone as UTC', () => {
    const odd = { ...utc, timeZone: 'Mars/Olympus' };
    expect(packetLinkExpiresAt(odd, null, now).toISOString()).toBe('2026-12-08T23:59:59.000Z');
  });
});
