// validateSessionToken reads the session and its user in one statement, a hand-built prepared
// statement returning JSON (src/lib/server/db/session-row.ts): these tests hold it to what
// drizzle itself reads, on both databases.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/session';
import { hashToken } from '../../../src/lib/server/auth/token';
import * as s from '../../../src/lib/server/db/schema';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await openScratchDatabase();
});
afterAll(() => scratch.close());
const db = () => scratch.handle.db;

async function newUser(name = 'Zoë "Z" O’Brien\\ 🧾') {
  const [u] = await db()
    .insert(s.user)
    .values({ email: `${crypto.randomUUID()}@example.test`, name })
    .returning();
  return u;
}

describe('validateSessionToken', () => {
  it('returns exactly the stored session and its user, to the millisecond', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'staff', {
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "quoted" \\ 日本'
    });
    const at = new Date('2026-11-20T09:08:07.654Z');
    await db()
      .update(s.session)
      .set({ createdAt: at, lastSeenAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) })
      .where(eq(s.session.idHash, hashToken(token)));
    const [stored] = await db()
      .select()
      .from(s.session)
      .where(eq(s.session.idHash, hashToken(token)));
    const result = await validateSessionToken(db(), token);
    expect(result.session).toEqual(stored);
    expect(result.session!.createdAt).toBeInstanceOf(Date);
    expect(result.session!.createdAt.toISOString()).toBe('2026-11-20T09:08:07.654Z');
    expect(result.user).toEqual({ id: u.id, email: u.email, name: u.name });
    expect(result.fresh).toBe(false);
  });

  it('reads microsecond timestamps as drizzle does (whole milliseconds, truncated)', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'client', {});
    await db().execute(
      sql`update session set created_at = '2026-11-20 09:08:07.654999+00' where id_hash = ${hashToken(token)}`
    );
    const [stored] = await db()
      .select()
      .from(s.session)
      .where(eq(s.session.idHash, hashToken(token)));
    const result = await validateSessionToken(db(), token);
    expect(result.session!.createdAt.toISOString()).toBe('2026-11-20T09:08:07.654Z');
    expect(result.session!.createdAt.getTime()).toBe(stored.createdAt.getTime());
  });

  it('keeps empty metadata as null', async () => {
    const u = await newUser('');
    const { token } = await createSession(db(), u.id, 'client', {});
    const result = await validateSessionToken(db(), token);
    expect(result.session).toMatchObject({ ip: null, userAgent: null, kind: 'client' });
    expect(result.user?.name).toBe('');
  });

  it('finds nothing for an unknown or tampered token, and holds SQL in the token as data', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'client', {});
    for (const bad of ['nope', token.slice(0, -1) + 'x', `' or 1=1 --`, '']) {
      expect(await validateSessionToken(db(), bad)).toEqual({
        session: null,
        user: null,
        fresh: false
      });
    }
  });

  it('does not read inside another caller’s open transaction', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'client', {});
    let validated: Promise<unknown> | undefined;
    await db().transaction(async (tx) => {
      await tx.delete(s.session).where(eq(s.session.idHash, hashToken(token)));
      // Started while the delete is not yet committed: on PGlite it must wait for the
      // transaction (one connection), on PostgreSQL it reads the committed state.
      validated = validateSessionToken(db(), token);
      if (scratch.handle.driver === 'pglite') {
        // Its statement reaches the database thread before this round trip does (the event
        // loop's next turn, then one message after it): by now it ran, or it is waiting.
        await new Promise((r) => setImmediate(r));
        await tx.execute(sql`select 1`);
      } else {
        await validated;
      }
    });
    const result = (await validated) as Awaited<ReturnType<typeof validateSessionToken>>;
    if (scratch.handle.driver === 'pglite') expect(result.session).toBeNull();
    expect(await validateSessionToken(db(), token)).toMatchObject({ session: null });
  });

  it('recovers when the database forgets its prepared statements', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'client', {});
    expect((await validateSessionToken(db(), token)).session).not.toBeNull();
    await db().execute(sql`deallocate all`);
    expect((await validateSessionToken(db(), token)).user?.id).toBe(u.id);
  });

  it('sees a session the moment it is revoked: no cache', async () => {
    const u = await newUser();
    const { token } = await createSession(db(), u.id, 'client', {});
    expect((await validateSessionToken(db(), token)).session).not.toBeNull();
    await db().delete(s.session).where(eq(s.session.userId, u.id));
    expect((await validateSessionToken(db(), token)).session).toBeNull();
  });
});
