// Links of purpose 'alert': the staff sign-in link a staff alert mail carries (issue 18).
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { issueMagicLink, LINK_TTL_MS } from '../../../src/lib/server/auth/magic-link';
import { requestNewLink } from '../../../src/lib/server/auth/sign-in';
import { createClient, createFirmWithStaff, createPacket } from '../../support/factories';
import { linkPathOf, mailsTo } from '../../support/mail';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

async function alertLink() {
  const db = getDb();
  const world = await createFirmWithStaff(db);
  const client = await createClient(db, world.firm.id);
  const packet = await createPacket(db, client, { title: 'Year end', period: '2026-Q4' });
  const issue = (purpose: 'alert' | 'sign_in') =>
    issueMagicLink(db, {
      userId: world.staff.id,
      purpose,
      firmId: world.firm.id,
      packetId: purpose === 'alert' ? packet.id : null,
      redirectTo: purpose === 'alert' ? `/firm/packets/${packet.id}#q-x` : '/firm'
    });
  return { ...world, db, packet, issue };
}

const liveLinks = (userId: string) =>
  getDb()
    .select()
    .from(s.magicLink)
    .where(
      and(
        eq(s.magicLink.userId, userId),
        isNull(s.magicLink.usedAt),
        gt(s.magicLink.expiresAt, sql`now()`)
      )
    );

describe('alert links', () => {
  it('last 24 hours and neither revoke nor are revoked by sign-in links', async () => {
    expect(LINK_TTL_MS.alert).toBe(24 * 3600_000);
    const { staff, issue } = await alertLink();
    const first = await issue('alert');
    const signIn = await issue('sign_in');
    const second = await issue('alert');
    expect((await liveLinks(staff.id)).map((l) => l.id).sort()).toEqual(
      [first.id, signIn.id, second.id].sort()
    );
    // A newer sign-in link still revokes the older sign-in link, and only that.
    const signIn2 = await issue('sign_in');
    expect((await liveLinks(staff.id)).map((l) => l.id).sort()).toEqual(
      [first.id, second.id, signIn2.id].sort()
    );
    expect(first.code).toBeNull();
    expect(Math.abs(first.expiresAt.getTime() - Date.now() - 24 * 3600_000)).toBeLessThan(60_000);
  });

  it('start a staff session on the thread for a member of the firm', async () => {
    const { staff, packet, issue, db } = await alertLink();
    const link = await issue('alert');
    const browser = new TestBrowser();
    const page = await browser.get(`/l/${link.token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Q4 2026 · Year end');
    const done = await browser.post(`/l/${link.token}`);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/firm/packets/${packet.id}#q-x`);
    const [session] = await db.select().from(s.session).where(eq(s.session.userId, staff.id));
    expect(session.kind).toBe('staff');
    expect((await browser.get(`/firm/packets/${packet.id}`)).status).toBe(200);
  });

  it('start no session once the person is no longer a member of that firm', async () => {
    const { firm, staff, issue, db } = await alertLink();
    const link = await issue('alert');
    await db
      .delete(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
    const browser = new TestBrowser();
    const done = await browser.post(`/l/${link.token}`);
    expect(done.status).toBe(410);
    // Nobody used it, so it says so: expired, not "already used".
    expect(done.text).toContain('This link has expired');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await db.select().from(s.session).where(eq(s.session.userId, staff.id))).toEqual([]);
    const [refused] = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.actorId, staff.id), eq(s.auditEvent.action, 'auth.link_refused')));
    expect(refused.data).toMatchObject({ purpose: 'alert', reason: 'not_a_member' });
  });

  it('are renewed as a staff sign-in link to the same thread', async () => {
    const { staff, packet, issue, db } = await alertLink();
    const link = await issue('alert');
    const [old] = await db.select().from(s.magicLink).where(eq(s.magicLink.id, link.id));
    await requestNewLink(db, {
      old,
      tokenKey: link.token,
      bindingHash: 'b'.repeat(64),
      ip: '10.9.8.7',
      userAgent: 'test'
    });
    const [mail] = await mailsTo(staff.email);
    expect(mail.kind).toBe('sign_in');
    const fresh = new TestBrowser();
    const done = await fresh.post(linkPathOf(mail));
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/firm/packets/${packet.id}#q-x`);
    const sessions = await db.select().from(s.session).where(eq(s.session.userId, staff.id));
    expect(sessions.map((x) => x.kind)).toEqual(['staff']);
  });
});
