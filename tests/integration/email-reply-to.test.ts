// Replies to sign-in mail go to the firm, not to the sending address: every mail that knows its
// firm carries the firm's ReplyTo.
import { describe, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { createFirmWithOwner } from '../../src/lib/server/firm/create-firm';
import { requestNewLink, requestSignIn } from '../../src/lib/server/auth/sign-in';
import type { EmailMessage } from '../../src/lib/server/email/outbox';
import {
  createClient,
  createContact,
  createFirm,
  createFirmWithStaff,
  unique
} from '../support/factories';
import { selectOutbox } from '../support/outbox';
import { outboxPayload } from '../../src/lib/server/email/outbox';

const meta = () => ({
  ip: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  userAgent: 'vitest'
});

async function mailsTo(email: string): Promise<EmailMessage[]> {
  const rows = await selectOutbox(getDb())
    .where(sql`lower(${outboxPayload}->>'to') = ${email.toLowerCase()}`)
    .orderBy(desc(s.outbox.id));
  return rows.map((r) => r.payload as EmailMessage);
}

describe('ReplyTo on sign-in mail', () => {
  it('a staff sign-in link, and its renewal, reply to the firm', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    expect(firm.replyTo).toMatch(/^office@/);
    const signedIn = await requestSignIn(db, {
      email: staff.email,
      bindingHash: 'b'.repeat(64),
      ...meta()
    });
    expect(signedIn.ok).toBe(true);
    const [first] = await mailsTo(staff.email);
    expect(first).toMatchObject({ kind: 'sign_in', replyTo: firm.replyTo, firmId: firm.id });

    const [old] = await db
      .select()
      .from(s.magicLink)
      .where(and(eq(s.magicLink.userId, staff.id), eq(s.magicLink.purpose, 'sign_in')));
    const renewed = await requestNewLink(db, {
      old,
      tokenKey: unique('token'),
      bindingHash: 'c'.repeat(64),
      ...meta()
    });
    expect(renewed.ok).toBe(true);
    const mails = await mailsTo(staff.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]).toMatchObject({ kind: 'sign_in', replyTo: firm.replyTo });
    expect(mails[0].subject).toContain('new sign-in link');
  });

  it("a client contact's sign-in link replies to the contact's firm", async () => {
    const db = getDb();
    const firm = await createFirm(db, { replyTo: `desk@${unique('firm')}.test` });
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    await requestSignIn(db, { email: user.email, bindingHash: 'd'.repeat(64), ...meta() });
    const [mail] = await mailsTo(user.email);
    expect(mail).toMatchObject({ kind: 'sign_in', replyTo: firm.replyTo });
  });

  it("the new firm's owner mail carries the firm's ReplyTo (none yet: no Reply-To)", async () => {
    const db = getDb();
    const ownerEmail = `${unique('owner')}@example.test`;
    const { firm } = await db.transaction((tx) =>
      createFirmWithOwner(tx, { name: unique('Firm'), ownerEmail, ownerName: 'Olive Owner' })
    );
    const [mail] = await mailsTo(ownerEmail);
    expect(mail.firmId).toBe(firm.id);
    expect(mail).toHaveProperty('replyTo', firm.replyTo);
  });
});
