import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { firm, magicLink } from '../db/schema';
import { generateToken, hashToken } from '../auth/token';

const SETUP_HOURS = 24;

/** pg_advisory_xact_lock key that serialises issuing and spending setup tokens (unique in Sheaf). */
export const SETUP_LOCK_KEY = 7_400_501;

export async function firmExists(db: Db): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(firm)
    .limit(1);
  return rows.length > 0;
}

/**
 * On an empty database, the one live setup token (valid 24 h from now); otherwise null. The
 * token printed last (`printed`, from DATA_DIR/setup-url.txt) is kept while it still works, so a
 * restart prints the same link; else a new one replaces every earlier one. Only hashes are
 * stored, so a token nobody kept cannot be printed again: it is revoked instead.
 */
export async function issueSetupToken(db: Db, printed?: string | null): Promise<string | null> {
  return db.transaction(async (tx) => {
    // Instances starting together on one database take turns: one live token at the end.
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if (await firmExists(tx)) return null;
    const expiresAt = new Date(Date.now() + SETUP_HOURS * 3600_000);
    const unused = and(eq(magicLink.purpose, 'setup'), isNull(magicLink.usedAt));
    let keep: { token: string; id: string } | null = null;
    if (printed && printed.length <= 200) {
      const [kept] = await tx
        .update(magicLink)
        .set({ expiresAt })
        .where(
          and(
            unused,
            eq(magicLink.tokenHash, hashToken(printed)),
            gt(magicLink.expiresAt, sql`now()`)
          )
        )
        .returning({ id: magicLink.id });
      if (kept) keep = { token: printed, id: kept.id };
    }
    await tx
      .update(magicLink)
      .set({ usedAt: sql`now()` })
      .where(keep ? and(unused, ne(magicLink.id, keep.id)) : unused);
    if (keep) return keep.token;
    const token = generateToken();
    await tx.insert(magicLink).values({
      tokenHash: hashToken(token),
      purpose: 'setup',
      redirectTo: '/firm',
      expiresAt
    });
    return token;
  });
}

/**
 * A /setup link's token: 'live'; 'dead' when it is a setup token that was replaced, expired or
 * never used while no firm exists yet (the page then says where the live one is); 'unknown'
 * otherwise, including every token once a firm exists.
 */
export async function setupTokenState(
  db: Db,
  token: string | null
): Promise<'live' | 'dead' | 'unknown'> {
  if (!token || token.length > 200) return 'unknown';
  if (await firmExists(db)) return 'unknown';
  const [row] = await db
    .select({ usedAt: magicLink.usedAt, expiresAt: magicLink.expiresAt })
    .from(magicLink)
    .where(and(eq(magicLink.tokenHash, hashToken(token)), eq(magicLink.purpose, 'setup')))
    .limit(1);
  if (!row) return 'unknown';
  return row.usedAt === null && row.expiresAt.getTime() > Date.now() ? 'live' : 'dead';
}

/** True when the token is an unused, unexpired setup token and no firm exists yet. */
export async function isValidSetupToken(db: Db, token: string | null): Promise<boolean> {
  return (await setupTokenState(db, token)) === 'live';
}
