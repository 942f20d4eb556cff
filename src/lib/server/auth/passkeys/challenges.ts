// WebAuthn challenges: random, short-lived, single-use, kept in the database so that any
// instance can check a response to a challenge another issued. Each is bound to the session
// (registration, step-up) or to the browser (sign-in) that asked for it.
import { and, eq, lt, sql } from 'drizzle-orm';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Db } from '../../db/client';
import { webauthnChallenge, type PasskeyCeremony } from '../../db/schema';

/** A challenge is answered within this long, or not at all. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export interface IssuedChallenge {
  challenge: string;
  expiresAt: Date;
}

/** Stores a challenge (base64url) for one ceremony of one session or browser. */
export async function issueChallenge(
  db: Db,
  input: {
    challenge: string;
    ceremony: PasskeyCeremony;
    bindingHash: string;
    userId?: string | null;
  }
): Promise<IssuedChallenge> {
  const { challenge } = input;
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  // Expired ones are swept as new ones are made (an index on expires_at keeps this cheap).
  await db.delete(webauthnChallenge).where(lt(webauthnChallenge.expiresAt, sql`now()`));
  await db.insert(webauthnChallenge).values({
    challenge,
    ceremony: input.ceremony,
    bindingHash: input.bindingHash,
    userId: input.userId ?? null,
    expiresAt
  });
  return { challenge, expiresAt };
}

/**
 * Takes the challenge a response names, once: one DELETE ... RETURNING, so two instances (or a
 * replay) can never both use it. Only the ceremony, session or browser, and user it was issued
 * to can take it: a foreign attempt leaves it in place for its owner and gets null, as does an
 * unknown, used or expired one.
 */
export async function consumeChallenge(
  db: Db,
  input: {
    challenge: string;
    ceremony: PasskeyCeremony;
    bindingHash: string;
    userId?: string | null;
  }
): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(input.challenge)) return false;
  const [row] = await db
    .delete(webauthnChallenge)
    .where(
      and(
        eq(webauthnChallenge.challenge, input.challenge),
        eq(webauthnChallenge.ceremony, input.ceremony),
        eq(webauthnChallenge.bindingHash, input.bindingHash),
        sql`${webauthnChallenge.expiresAt} > now()`,
        input.userId
          ? eq(webauthnChallenge.userId, input.userId)
          : sql`${webauthnChallenge.userId} is null`
      )
    )
    .returning();
  return !!row;
}

/** The challenge a response answers, read from its clientDataJSON; null when unreadable. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as { challenge?: unknown };
    return typeof data.challenge === 'string' ? data.challenge : null;
  } catch {
    return null;
  }
}
