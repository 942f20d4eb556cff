import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { DEFAULT_TIME_ZONE } from '../../format/time-zone';
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import { firm, magicLink, membership, user, type Firm } from '../db/schema';
import { enqueueEmail } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { renderMagicLinkEmail } from '../email/templates/magic-link';
import { SETUP_LOCK_KEY } from './setup-token';
import { issueMagicLink } from '../auth/magic-link';
import { createSession, type SessionMeta } from '../auth/session';
import { hashToken } from '../auth/token';

export interface NewFirmInput {
  name: string;
  ownerEmail: string;
  ownerName: string;
  /** IANA zone; UTC when not given. */
  timeZone?: string;
}

export class SetupTokenUsedError extends Error {}

/** "Smith & Co." -> "smith-co" */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'firm';
}

async function freeSlug(db: Db, name: string): Promise<string> {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const [taken] = await db
      .select({ id: firm.id })
      .from(firm)
      .where(eq(firm.slug, candidate))
      .limit(1);
    if (!taken) return candidate;
  }
}

/** The first-run setup token, spent atomically; throws SetupTokenUsedError when it is not live. */
async function spendSetupToken(db: Db, token: string): Promise<void> {
  // Two setups may race (one token in two tabs, or a token just replaced by another instance's
  // start): they queue on this lock, the one issueSetupToken takes too, and the second finds the
  // firm the first created (a new statement sees it once the first commits) and creates nothing.
  await db.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
  const [existing] = await db.select({ id: firm.id }).from(firm).limit(1);
  if (existing) throw new SetupTokenUsedError('a firm already exists');
  const used = await db
    .update(magicLink)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(magicLink.tokenHash, hashToken(token)),
        eq(magicLink.purpose, 'setup'),
        isNull(magicLink.usedAt),
        gt(magicLink.expiresAt, sql`now()`)
      )
    )
    .returning({ id: magicLink.id });
  if (used.length === 0) throw new SetupTokenUsedError('setup token already used');
  // Any other unused setup token (there should be none) is spent with it.
  await db
    .update(magicLink)
    .set({ usedAt: sql`now()` })
    .where(and(eq(magicLink.purpose, 'setup'), isNull(magicLink.usedAt)));
}

/** The firm, its owner (an existing user with that address is reused) and the membership. */
async function insertFirmAndOwner(db: Db, input: NewFirmInput & SessionMeta) {
  const email = input.ownerEmail.trim().toLowerCase();
  const [created] = await db
    .insert(firm)
    .values({
      name: input.name.trim(),
      slug: await freeSlug(db, input.name),
      timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
      // Clients' replies to the firm's mail reach a person from the first mail on, not the
      // instance's sending address; owners change it in settings.
      replyTo: email
    })
    .returning();
  const [owner] = await db
    .insert(user)
    .values({ email, name: input.ownerName.trim() })
    .onConflictDoUpdate({ target: user.email, set: { email } })
    .returning();
  await db.insert(membership).values({ firmId: created.id, userId: owner.id, role: 'owner' });
  await recordAudit(db, {
    action: 'firm.created',
    firmId: created.id,
    actorId: owner.id,
    subject: `firm:${created.id}`,
    ip: input.ip,
    ua: input.userAgent
  });
  return { firm: created, owner };
}

/**
 * Creates a firm, its owner and the owner membership, then issues the owner a sign-in link to
 * /firm and enqueues its mail, all in the caller's transaction (the CLI's firm:create).
 */
export async function createFirmWithOwner(
  db: Db,
  input: NewFirmInput & SessionMeta
): Promise<{ firm: Firm; ownerId: string; linkUrl: string }> {
  const { firm: created, owner } = await insertFirmAndOwner(db, input);
  const link = await issueMagicLink(db, {
    userId: owner.id,
    purpose: 'sign_in',
    firmId: created.id,
    redirectTo: '/firm',
    ttlMs: 24 * 3600_000,
    ip: input.ip,
    userAgent: input.userAgent
  });
  const mail = renderMagicLinkEmail({
    firmName: created.name,
    brandColor: created.brandColor,
    heading: `${created.name} is ready on Sheaf`,
    intro: `Welcome${owner.name ? `, ${owner.name}` : ''}. Tap the button to sign in and add your first clients.`,
    buttonLabel: 'Sign in',
    url: link.url,
    code: link.code,
    expiresAt: link.expiresAt,
    timeZone: created.timeZone
  });
  await enqueueEmail(db, {
    kind: 'sign_in',
    to: owner.email,
    subject: `Sign in to ${created.name} on Sheaf`,
    ...mail,
    ...firmEnvelope(created)
  });
  await recordAudit(db, {
    action: 'auth.link_sent',
    firmId: created.id,
    actorId: owner.id,
    subject: `user:${owner.id}`,
    data: { purpose: 'sign_in' }
  });
  return { firm: created, ownerId: owner.id, linkUrl: link.url };
}

/**
 * The first run (/setup): spends the setup token, creates the firm and its owner, and starts the
 * owner's staff session, in the caller's transaction. The token was printed on the server's
 * console, which proves enough to sign in with: no link is mailed. Two setups racing create one
 * firm; the second gets SetupTokenUsedError.
 */
export async function createFirmFromSetup(
  db: Db,
  input: NewFirmInput & SessionMeta & { setupToken: string }
) {
  await spendSetupToken(db, input.setupToken);
  const { firm: created, owner } = await insertFirmAndOwner(db, input);
  const started = await createSession(db, owner.id, 'staff', { ...input, signInMethod: 'link' });
  await recordAudit(db, {
    action: 'auth.session_started',
    firmId: created.id,
    actorId: owner.id,
    subject: `user:${owner.id}`,
    ip: input.ip,
    ua: input.userAgent,
    data: { kind: 'staff', via: 'setup' }
  });
  return { firm: created, ownerId: owner.id, ...started };
}
