import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from './db/client';
import { firm, magicLink } from './db/schema';
import { generateToken, hashToken } from './auth/token';

const SETUP_HOURS = 24;

export async function firmExists(db: Db): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(firm)
    .limit(1);
  return rows.length > 0;
}

/** On an empty database, issues a one-time setup token (valid 24 h); otherwise returns null. */
export async function issueSetupToken(db: Db): Promise<string | null> {
  if (await firmExists(db)) return null;
  const token = generateToken();
  await db.insert(magicLink).values({
    tokenHash: hashToken(token),
    purpose: 'setup',
    redirectTo: '/firm',
    expiresAt: new Date(Date.now() + SETUP_HOURS * 3600_000)
  });
  return token;
}

/** True when the token is an unused, unexpired setup token and no firm exists yet. */
export async function isValidSetupToken(db: Db, token: string | null): Promise<boolean> {
  if (!token || token.length > 200) return false;
  if (await firmExists(db)) return false;
  const rows = await db
    .select({ id: magicLink.id })
    .from(magicLink)
    .where(
      and(
        eq(magicLink.tokenHash, hashToken(token)),
        eq(magicLink.purpose, 'setup'),
        isNull(magicLink.usedAt),
        gt(magicLink.expiresAt, new Date())
      )
    )
    .limit(1);
  return rows.length > 0;
}
