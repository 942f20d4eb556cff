// A firm's staff: who they are, inviting a colleague, removing one, making one an owner.
import { and, asc, count, eq, exists, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { endSessionsWithoutAccess } from '../auth/guards';
import { issueMagicLink } from '../auth/magic-link';
import { normaliseEmail } from '$lib/format/email-address';
import type { Db } from '../db/client';
import {
  client,
  firm as firmTable,
  magicLink,
  membership,
  session,
  staffAlert,
  user,
  type Firm
} from '../db/schema';
import { enqueueEmail } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { renderMagicLinkEmail } from '../email/templates/magic-link';

export interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: 'owner' | 'staff';
  since: Date;
  /** False while an invited colleague has never signed in. */
  signedIn: boolean;
}

export interface Actor {
  id: string;
  name: string;
  ip?: string | null;
  ua?: string | null;
}

/** The invite form: a colleague's name and address. */
export const inviteSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter your colleague’s name.')
    .max(120, 'At most 120 characters.'),
  email: z.string().transform((v, ctx) => {
    const email = normaliseEmail(v);
    if (!email)
      ctx.addIssue({ code: 'custom', message: 'Enter an email address like name@example.com.' });
    return email ?? '';
  })
});

/** A refusal the owner reads as it is ("… is already a member"). */
export class MemberError extends Error {
  constructor(
    message: string,
    readonly field: 'email' | null = null
  ) {
    super(message);
  }
}

/** The firm's members, owners first, then by when they joined. */
export async function listMembers(db: Db, firmId: string): Promise<Member[]> {
  const rows = await db
    .select({
      id: membership.id,
      userId: user.id,
      name: user.name,
      email: user.email,
      role: membership.role,
      since: membership.createdAt,
      signedIn: sql<boolean>`(${exists(
        db
          .select({ one: sql`1` })
          .from(session)
          .where(eq(session.userId, user.id))
      )} or ${exists(
        db
          .select({ one: sql`1` })
          .from(magicLink)
          .where(and(eq(magicLink.userId, user.id), isNotNull(magicLink.usedAt)))
      )})`
    })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(eq(membership.firmId, firmId))
    .orderBy(sql`${membership.role} = 'owner' desc`, asc(membership.createdAt));
  return rows.map((r) => ({ ...r, signedIn: r.signedIn === true || String(r.signedIn) === 't' }));
}

/** One member of this firm, or null (another firm's id, or none). */
export async function findMember(db: Db, firmId: string, membershipId: string) {
  const [row] = await db
    .select({ membership, user })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.id, membershipId), eq(membership.firmId, firmId)))
    .limit(1);
  return row ?? null;
}

/**
 * Adds a colleague as staff and mails them a 7-day invite link to /firm, in the caller's
 * transaction (the mail goes if and only if the membership commits). An address that is
 * already a member here is refused as such; staff of another firm get a refusal that does not
 * say why. An existing account takes the name given here: its own may be another firm's.
 */
export async function inviteMember(
  db: Db,
  firm: Firm,
  input: { name: string; email: string },
  actor: Actor
): Promise<{ membershipId: string; userId: string; outboxId: number }> {
  const email = input.email.trim().toLowerCase();
  const [existing] = await db.select().from(user).where(eq(user.email, email)).limit(1);
  if (existing) {
    const [member] = await db
      .select({ firmId: membership.firmId })
      .from(membership)
      .where(eq(membership.userId, existing.id));
    if (member?.firmId === firm.id) {
      throw new MemberError(`${email} is already a member of ${firm.name}.`, 'email');
    }
    // Sheaf shows a person one firm's workspace; a second membership would be invisible. The
    // words confirm nothing about the address: whose staff they are is that firm's business.
    if (member) {
      throw new MemberError(
        `${email} cannot be added to ${firm.name}. Ask your colleague for another address.`,
        'email'
      );
    }
  }
  const [person] = existing
    ? await db.update(user).set({ name: input.name }).where(eq(user.id, existing.id)).returning()
    : await db.insert(user).values({ email, name: input.name }).returning();
  const [added] = await db
    .insert(membership)
    .values({ firmId: firm.id, userId: person.id, role: 'staff' })
    .returning();
  const link = await issueMagicLink(db, {
    userId: person.id,
    purpose: 'invite',
    firmId: firm.id,
    redirectTo: '/firm',
    ip: actor.ip,
    userAgent: actor.ua
  });
  const who = actor.name ? `${actor.name} at ${firm.name}` : firm.name;
  const mail = renderMagicLinkEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    heading: `Join ${firm.name} on Sheaf`,
    intro: `${input.name ? `Hello ${input.name.split(' ')[0]}, ` : ''}${who} added you to the firm's workspace on Sheaf, where you publish review packets to clients and see who has read and approved them. No password needed: tap the button to sign in.`,
    buttonLabel: 'Join the workspace',
    url: link.url,
    code: link.code,
    expiresAt: link.expiresAt,
    timeZone: firm.timeZone
  });
  const outboxId = await enqueueEmail(db, {
    kind: 'invite',
    to: person.email,
    subject: `${actor.name || firm.name} invited you to ${firm.name} on Sheaf`,
    ...mail,
    ...firmEnvelope(firm)
  });
  await recordAudit(db, {
    action: 'member.invited',
    firmId: firm.id,
    actorId: actor.id,
    subject: `user:${person.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { email: person.email, role: 'staff' }
  });
  await recordAudit(db, {
    action: 'auth.link_sent',
    firmId: firm.id,
    actorId: actor.id,
    subject: `user:${person.id}`,
    data: { purpose: 'invite' }
  });
  return { membershipId: added.id, userId: person.id, outboxId };
}

const ownersOf = async (db: Db, firmId: string) =>
  (
    await db
      .select({ n: count() })
      .from(membership)
      .where(and(eq(membership.firmId, firmId), eq(membership.role, 'owner')))
  )[0].n;

/**
 * Removes a member, never yourself nor the last owner (call inside a transaction). The clients
 * they were responsible for pass to the remover. Their unused invite links die with the
 * membership, and a person left with no access anywhere loses every session at once; anyone
 * else is refused /firm on their next request (every staff request reads the membership).
 */
export async function removeMember(
  db: Db,
  firmId: string,
  membershipId: string,
  actor: Actor
): Promise<Member['email'] | null> {
  // Two owners removing each other at once would leave none: serialise on the firm row.
  await db
    .select({ id: firmTable.id })
    .from(firmTable)
    .where(eq(firmTable.id, firmId))
    .for('update');
  const target = await findMember(db, firmId, membershipId);
  if (!target) return null;
  if (target.user.id === actor.id) throw new MemberError('You cannot remove yourself.');
  if (target.membership.role === 'owner' && (await ownersOf(db, firmId)) <= 1) {
    throw new MemberError('A firm needs an owner: make someone else owner first.');
  }
  await db.delete(membership).where(eq(membership.id, target.membership.id));
  // Their clients pass to whoever removed them, so questions keep reaching a person.
  const handedOver = await db
    .update(client)
    .set({ responsibleUserId: actor.id })
    .where(and(eq(client.firmId, firmId), eq(client.responsibleUserId, target.user.id)))
    .returning({ id: client.id });
  // Alerts waiting for their digest go to the same person, so none is lost with the member: not
  // those the remover turned off, nor one the remover already has (an owner who heard of the
  // same question, decline or approval); the rest are dropped with the member.
  await db.execute(sql`
    update ${staffAlert} set user_id = ${actor.id}
     where ${staffAlert.firmId} = ${firmId} and ${staffAlert.userId} = ${target.user.id}
       and ${staffAlert.sentAt} is null
       and not exists (
         select 1 from ${staffAlert} mine
          where mine.user_id = ${actor.id} and mine.kind = ${staffAlert.kind}
            and mine.packet_id = ${staffAlert.packetId} and mine.version = ${staffAlert.version}
            and mine.comment_id is not distinct from ${staffAlert.commentId}
            and mine.decision_id is not distinct from ${staffAlert.decisionId})
       and not exists (
         select 1 from ${membership} m
          where m.firm_id = ${firmId} and m.user_id = ${actor.id}
            and ((${staffAlert.kind} in ('question', 'decline') and m.question_alerts = 'off')
              or (${staffAlert.kind} = 'approval' and m.approval_alerts = 'off')))`);
  await db
    .delete(staffAlert)
    .where(
      and(
        eq(staffAlert.firmId, firmId),
        eq(staffAlert.userId, target.user.id),
        isNull(staffAlert.sentAt)
      )
    );
  // Ended, not used (nobody used it): a late tap says "expired", never "already used". Their
  // invite and their alert mails' sign-in links.
  await db
    .update(magicLink)
    .set({ expiresAt: sql`now()` })
    .where(
      and(
        eq(magicLink.userId, target.user.id),
        eq(magicLink.firmId, firmId),
        inArray(magicLink.purpose, ['invite', 'alert']),
        isNull(magicLink.usedAt),
        gt(magicLink.expiresAt, sql`now()`)
      )
    );
  const ended = await endSessionsWithoutAccess(db, target.user.id);
  await recordAudit(db, {
    action: 'member.removed',
    firmId,
    actorId: actor.id,
    subject: `user:${target.user.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: {
      email: target.user.email,
      role: target.membership.role,
      sessionsEnded: ended,
      clientsHandedOver: handedOver.length
    }
  });
  return target.user.email;
}

/** Makes a member an owner too (the firm may have several). Null for an id not of this firm. */
export async function makeOwner(
  db: Db,
  firmId: string,
  membershipId: string,
  actor: Actor
): Promise<Member['email'] | null> {
  const target = await findMember(db, firmId, membershipId);
  if (!target) return null;
  if (target.membership.role === 'owner') return target.user.email;
  await db.update(membership).set({ role: 'owner' }).where(eq(membership.id, membershipId));
  await recordAudit(db, {
    action: 'member.made_owner',
    firmId,
    actorId: actor.id,
    subject: `user:${target.user.id}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { email: target.user.email }
  });
  return target.user.email;
}
