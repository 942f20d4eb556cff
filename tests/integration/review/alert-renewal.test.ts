// Review of issue 18: an alert link renewed for someone no longer on any firm's staff (a former
// member who is still a client contact) must not mail a sign-in link to a staff page they are
// refused: as a sign-in request, they land on their own documents.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { requestNewLink } from '../../../src/lib/server/auth/sign-in';
import { createClient, createFirmWithStaff, createPacket } from '../../support/factories';
import { linkPathOf, mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

describe('an alert link renewed after its person left the staff', () => {
  it('comes back as a sign-in link to their documents, not to /firm', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const packet = await createPacket(db, client, { title: 'Year end', period: '2026-Q4' });
    // The staff member is also a contact of the client.
    await db
      .insert(s.clientContact)
      .values({ firmId: firm.id, clientId: client.id, userId: staff.id, name: 'Sam' });
    const link = await issueMagicLink(db, {
      userId: staff.id,
      purpose: 'alert',
      firmId: firm.id,
      packetId: packet.id,
      redirectTo: `/firm/packets/${packet.id}`
    });
    await db
      .delete(s.membership)
      .where(and(eq(s.membership.firmId, firm.id), eq(s.membership.userId, staff.id)));
    const [old] = await db.select().from(s.magicLink).where(eq(s.magicLink.id, link.id));
    await requestNewLink(db, {
      old,
      tokenKey: link.token,
      bindingHash: 'c'.repeat(64),
      ip: '10.9.8.6',
      userAgent: 'test'
    });
    const [mail] = await mailsTo(staff.email);
    expect(mail.kind).toBe('sign_in');
    const done = await new TestBrowser().post(linkPathOf(mail));
    expect(done.status).toBe(303);
    expect(done.location).toBe('/p');
  });
});
