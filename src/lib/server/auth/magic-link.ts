import { and, eq, isNull } from 'drizzle-orm';
import { getConfig } from '../config';
import type { Db } from '../db/client';
import { magicLink, type MagicLink } from '../db/schema';
import { generateCode, generateToken, hashToken } from './token';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Default lifetimes per purpose; packet links use the firm's setting when given. */
export const LINK_TTL_MS: Record<MagicLink['purpose'], number> = {
  sign_in: 15 * MINUTE,
  invite: 7 * DAY,
  packet: 7 * DAY,
  setup: DAY
};

export interface IssueMagicLinkInput {
  userId: string;
  purpose: 'sign_in' | 'invite' | 'packet';
  firmId?: string | null;
  packetId?: string | null;
  /** A relative path ('/p/…'); anything else is refused. */
  redirectTo: string;
  ttlMs?: number;
  /** Hash of the binding cookie of the browser that asked (sign-in flow). */
  bindingHash?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface IssuedMagicLink {
  id: string;
  token: string;
  code: string;
  /** Absolute URL of the confirm page: ORIGIN/l/<token>. */
  url: string;
  expiresAt: Date;
}

/** Relative paths only: '/x', never '//host', '/\host' or 'https://…'. */
export function isSafeRedirect(target: string): boolean {
  return (
    target.startsWith('/') &&
    !target.startsWith('//') &&
    !target.startsWith('/\\') &&
    ![...target].some((c) => c === '\\' || c.charCodeAt(0) < 0x20)
  );
}

export function hashCode(tokenHash: string, code: string): string {
  return hashToken(`${tokenHash}:${code}`);
}

/**
 * Stores a new single-use link (only the token's hash) with a 6-digit code. A new sign-in link
 * revokes the user's older unused sign-in links. Call inside the transaction that enqueues the
 * mail carrying it.
 */
export async function issueMagicLink(db: Db, input: IssueMagicLinkInput): Promise<IssuedMagicLink> {
  if (!isSafeRedirect(input.redirectTo)) throw new Error('redirectTo must be a relative path');
  const token = generateToken();
  const code = generateCode();
  const tokenHash = hashToken(token);
  const expiresAt = new Date(Date.now() + (input.ttlMs ?? LINK_TTL_MS[input.purpose]));
  if (input.purpose === 'sign_in') {
    await db
      .update(magicLink)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(magicLink.userId, input.userId),
          eq(magicLink.purpose, 'sign_in'),
          isNull(magicLink.usedAt)
        )
      );
  }
  const [row] = await db
    .insert(magicLink)
    .values({
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
      codeHash: hashCode(tokenHash, code)
    })
    .returning({ id: magicLink.id });
  return { id: row.id, token, code, url: `${getConfig().origin}/l/${token}`, expiresAt };
}
