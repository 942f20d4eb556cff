import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { getConfig } from '../config';
import { currentSnapshot } from '../review/published';
import type { Db } from '../db/client';
import { firm, magicLink, packet, packetVersion, user, type MagicLink } from '../db/schema';
import { codeAddressKey } from './rate-limit';
import { generateCode, generateToken, hashToken, safeEqual } from './token';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Default lifetimes per purpose; packet links use the firm's setting when given. */
export const LINK_TTL_MS: Record<MagicLink['purpose'], number> = {
  sign_in: 15 * MINUTE,
  invite: 7 * DAY,
  packet: 7 * DAY,
  setup: DAY,
  alert: DAY
};

export interface IssueMagicLinkInput {
  userId: string;
  purpose: 'sign_in' | 'invite' | 'packet' | 'alert';
  firmId?: string | null;
  packetId?: string | null;
  /** A relative path ('/p/…'); anything else is refused. */
  redirectTo: string;
  ttlMs?: number;
  /** When the link stops working, instead of a ttl (packet links: packetLinkExpiresAt). */
  expiresAt?: Date;
  /** Hash of the binding cookie of the browser that asked (sign-in flow). */
  bindingHash?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface IssuedMagicLink {
  id: string;
  token: string;
  /** The 6-digit code, only where one can work: a link a browser asked for (sign-in, renewal). */
  code: string | null;
  /** Absolute URL of the confirm page: ORIGIN/l/<token>. */
  url: string;
  expiresAt: Date;
}

/**
 * Relative paths only: '/x', never '//host', '/\host' or 'https://…'. Printable ASCII only, as
 * in any URL Sheaf makes (percent-encoded): a Location header cannot carry anything else (Node
 * refuses it, a 500), and browsers read some of it as punctuation ('。' is a dot in a host).
 */
export function isSafeRedirect(target: string): boolean {
  return (
    target.startsWith('/') &&
    !target.startsWith('//') &&
    !target.startsWith('/\\') &&
    !target.includes('\\') &&
    /^[\x21-\x7e]+$/.test(target)
  );
}

export function hashCode(tokenHash: string, code: string): string {
  return hashToken(`${tokenHash}:${code}`);
}

/** The row of a new link, and its token and code, which only the mail carrying it will hold. */
function newLink(input: IssueMagicLinkInput) {
  if (!isSafeRedirect(input.redirectTo)) throw new Error('redirectTo must be a relative path');
  const token = generateToken();
  const code = input.bindingHash ? generateCode() : null;
  const tokenHash = hashToken(token);
  const expiresAt =
    input.expiresAt ?? new Date(Date.now() + (input.ttlMs ?? LINK_TTL_MS[input.purpose]));
  const row = {
    tokenHash,
    userId: input.userId,
    firmId: input.firmId ?? null,
    purpose: input.purpose,
    packetId: input.packetId ?? null,
    redirectTo: input.redirectTo,
    expiresAt,
    requestedIp: input.ip ?? null,
    requestedUa: input.userAgent?.slice(0, 512) ?? null,
    bindingHash: input.bindingHash ?? null,
    codeHash: code ? hashCode(tokenHash, code) : null
  };
  return { row, token, code, expiresAt };
}

/**
 * Stores a new single-use link (only the token's hash). A link a browser asked for (a binding
 * hash: a sign-in link, or a used or expired link renewed) also gets a 6-digit code, which signs
 * in only that browser (consumeMagicLinkByCode); a link sent unasked (a publish, an invite) gets
 * none, so its mail shows no code that could never work. A new sign-in link
 * revokes the user's older unused sign-in links, and only those: an alert link in a staff
 * member's mail neither revokes nor is revoked by one. Call inside the transaction that enqueues the
 * mail carrying it.
 */
export async function issueMagicLink(db: Db, input: IssueMagicLinkInput): Promise<IssuedMagicLink> {
  const link = newLink(input);
  if (input.purpose === 'sign_in') {
    // Ended, not used: nobody used it, so a tap on it says "expired", never "already used".
    await db
      .update(magicLink)
      .set({ expiresAt: sql`now()` })
      .where(
        and(
          eq(magicLink.userId, input.userId),
          eq(magicLink.purpose, 'sign_in'),
          isNull(magicLink.usedAt),
          gt(magicLink.expiresAt, sql`now()`)
        )
      );
  }
  const [row] = await db.insert(magicLink).values(link.row).returning({ id: magicLink.id });
  return { id: row.id, ...issued(link) };
}

/** A link issueMagicLinks writes: any purpose but sign-in, whose links revoke older ones. */
export type BatchMagicLinkInput = IssueMagicLinkInput & {
  purpose: Exclude<IssueMagicLinkInput['purpose'], 'sign_in'>;
};

/**
 * issueMagicLink for many links at once (a packet published to many contacts): the same rows,
 * 1,000 to a statement, returned in the order asked for. Call inside the transaction that
 * enqueues the mails carrying them.
 */
export async function issueMagicLinks(
  db: Db,
  inputs: BatchMagicLinkInput[]
): Promise<IssuedMagicLink[]> {
  const links = inputs.map(newLink);
  const result: IssuedMagicLink[] = [];
  // 1,000 rows of 11 values a statement keeps well under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < links.length; i += 1000) {
    const chunk = links.slice(i, i + 1000);
    const rows = await db
      .insert(magicLink)
      .values(chunk.map((link) => link.row))
      .returning({ id: magicLink.id, tokenHash: magicLink.tokenHash });
    const ids = new Map(rows.map((row) => [row.tokenHash, row.id]));
    for (const link of chunk) result.push({ id: ids.get(link.row.tokenHash)!, ...issued(link) });
  }
  return result;
}

function issued(link: ReturnType<typeof newLink>): Omit<IssuedMagicLink, 'id'> {
  const { token, code, expiresAt } = link;
  return { token, code, url: `${getConfig().origin}/l/${token}`, expiresAt };
}

/**
 * Purposes a /l/<token> link may carry; setup tokens only work on /setup. 'alert': a staff
 * sign-in link in a staff alert mail, opening the packet the alert is about.
 */
export const LINK_PURPOSES = ['sign_in', 'invite', 'packet', 'alert'] as const;
export const MAX_CODE_ATTEMPTS = 5;

/** What the confirm page may show about a link. */
export interface LinkPreview {
  id: string;
  purpose: MagicLink['purpose'];
  email: string;
  redirectTo: string;
  bindingHash: string | null;
  firmName: string | null;
  /** The firm's logo column (firm/logo-key.ts). */
  firmLogo: string | null;
  packetTitle: string | null;
  packetPeriod: string | null;
}

/**
 * usable: unused and unexpired. used: consumed (a tap or its code). expired: its time ran out,
 * a newer sign-in link replaced it, or wrong codes killed it: nobody used it.
 */
export type LinkState = 'usable' | 'used' | 'expired';

export interface FoundLink extends LinkPreview {
  state: LinkState;
  userId: string;
  firmId: string | null;
  packetId: string | null;
}

/**
 * A /l/<token> link in whatever state, without changing it (GET and HEAD never consume); null
 * for a token that is unknown, or of a purpose /l/ does not take (setup).
 */
export async function findLink(db: Db, token: string): Promise<FoundLink | null> {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .select({
      id: magicLink.id,
      purpose: magicLink.purpose,
      userId: user.id,
      email: user.email,
      firmId: magicLink.firmId,
      packetId: magicLink.packetId,
      redirectTo: magicLink.redirectTo,
      bindingHash: magicLink.bindingHash,
      usedAt: magicLink.usedAt,
      attempts: magicLink.attempts,
      // The database's clock, as consumeMagicLink's: the page never calls live what fails.
      expired: sql<number>`(${magicLink.expiresAt} <= now())::int`.mapWith(Number),
      firmName: firm.name,
      firmLogo: firm.logo,
      // As its contacts see it: the published details, not staff's edits since.
      packetTitle: packetVersion.title,
      packetPeriod: packetVersion.period
    })
    .from(magicLink)
    .innerJoin(user, eq(user.id, magicLink.userId))
    .leftJoin(firm, eq(firm.id, magicLink.firmId))
    .leftJoin(packet, eq(packet.id, magicLink.packetId))
    .leftJoin(packetVersion, currentSnapshot())
    .where(
      and(eq(magicLink.tokenHash, hashToken(token)), inArray(magicLink.purpose, [...LINK_PURPOSES]))
    )
    .limit(1);
  if (!row) return null;
  const { usedAt, attempts, expired, ...link } = row;
  const killed = attempts >= MAX_CODE_ATTEMPTS;
  const state: LinkState =
    killed || (!usedAt && expired === 1) ? 'expired' : usedAt ? 'used' : 'usable';
  return { ...link, state };
}

/**
 * Consumes a link in one atomic statement: of two concurrent requests, exactly one gets the row.
 * Returns null for unknown, used, expired or wrong-purpose tokens.
 */
export async function consumeMagicLink(
  db: Db,
  token: string,
  purposes: readonly MagicLink['purpose'][] = LINK_PURPOSES
): Promise<MagicLink | null> {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .update(magicLink)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(magicLink.tokenHash, hashToken(token)),
        isNull(magicLink.usedAt),
        gt(magicLink.expiresAt, sql`now()`),
        inArray(magicLink.purpose, [...purposes])
      )
    )
    .returning();
  return row ?? null;
}

export type CodeResult =
  { ok: true; link: MagicLink } | { ok: false; reason: 'wrong' | 'dead' | 'none' };

/** A live sign-in link a code may be checked against, and its address's code-tries bucket. */
export type CodeLink = MagicLink & { codeBucket: string };

/** The newest live link this browser asked for (its binding: sign-in or renewed), if any. */
export async function findCodeLink(db: Db, bindingHash: string): Promise<CodeLink | null> {
  const [row] = await db
    .select({ link: magicLink, email: user.email })
    .from(magicLink)
    .innerJoin(user, eq(user.id, magicLink.userId))
    .where(
      and(
        eq(magicLink.bindingHash, bindingHash),
        inArray(magicLink.purpose, ['sign_in', 'packet']),
        isNull(magicLink.usedAt),
        gt(magicLink.expiresAt, sql`now()`)
      )
    )
    .orderBy(desc(magicLink.createdAt))
    .limit(1);
  return row ? { ...row.link, codeBucket: codeAddressKey(row.email) } : null;
}

/**
 * Checks a 6-digit code against the link findCodeLink gave. A wrong code counts an attempt; the
 * fifth wrong one kills the link and its code.
 */
export async function consumeMagicLinkByCode(
  db: Db,
  link: CodeLink | null,
  code: string
): Promise<CodeResult> {
  if (!link || !link.codeHash) return { ok: false, reason: 'none' };
  if (safeEqual(hashCode(link.tokenHash, code), link.codeHash)) {
    const [used] = await db
      .update(magicLink)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(magicLink.id, link.id),
          isNull(magicLink.usedAt),
          gt(magicLink.expiresAt, sql`now()`),
          sql`${magicLink.attempts} < ${MAX_CODE_ATTEMPTS}`
        )
      )
      .returning();
    return used ? { ok: true, link: used } : { ok: false, reason: 'dead' };
  }
  const [counted] = await db
    .update(magicLink)
    .set({
      attempts: sql`${magicLink.attempts} + 1`,
      usedAt: sql`case when ${magicLink.attempts} + 1 >= ${MAX_CODE_ATTEMPTS} then now() else ${magicLink.usedAt} end`
    })
    .where(and(eq(magicLink.id, link.id), isNull(magicLink.usedAt)))
    .returning({ attempts: magicLink.attempts });
  return { ok: false, reason: counted && counted.attempts < MAX_CODE_ATTEMPTS ? 'wrong' : 'dead' };
}

/** Any link with this token (used or expired too): whom to mail a fresh one. */
export async function findLinkForRenewal(db: Db, token: string): Promise<MagicLink | null> {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .select()
    .from(magicLink)
    .where(
      and(eq(magicLink.tokenHash, hashToken(token)), inArray(magicLink.purpose, [...LINK_PURPOSES]))
    )
    .limit(1);
  return row ?? null;
}

/** "jane@acme.com" -> "j•••@acme.com": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
