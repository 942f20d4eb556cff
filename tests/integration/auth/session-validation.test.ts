// validateSessionToken reads the session and its user in one statement, a hand-built prepared
// statement returning JSON (src/lib/server/db/session-row.ts): these tests hold it to what
// drizzle itself reads, on both databases.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSession,
  validateSessionToken,
  type SessionValidation
} from '../../../src/lib/server/auth/session';
import { hashToken } from '../../../src/lib/server/auth/token';
import * as s from '../../../src/lib/server/db/schema';
import { selectSessionRow } from '../../../src/lib/server/db/session-row';
import { createClient, createFirm, createPacket } from '../../support/factories';
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

/** Counts the statements the session checks send while `fn` runs. */
async function countingStatements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const client = (db() as unknown as { $client: Record<string, unknown> }).$client;
  const name = typeof client.textStatement === 'function' ? 'textStatement' : 'unsafe';
  const original = client[name] as (...a: unknown[]) => unknown;
  let count = 0;
  client[name] = (...args: unknown[]) => {
    count++;
    return original.apply(client, args);
  };
  try {
    return { result: await fn(), count };
  } finally {
    client[name] = original;
  }
}

describe('checks of requests that arrive together', () => {
  // db/session-row.ts sends the checks made in one turn of the event loop (PostgreSQL), or while
  // another is out (PGlite), as one statement. Each must still get its own answer.
  it('answers each of many checks at once as it would alone, in fewer statements', async () => {
    const firmA = await createFirm(db(), { locale: 'fr' });
    const firmB = await createFirm(db(), { locale: 'de' });
    const clientA = await createClient(db(), firmA.id);
    const clientB = await createClient(db(), firmB.id);
    const packetA = await createPacket(db(), clientA, { status: 'published', version: 1 });
    const packetB = await createPacket(db(), clientB, { status: 'published', version: 1 });
    // A contact of both firms: which firm's language depends on the packet the page names.
    const both = await newUser('Both');
    await db()
      .insert(s.clientContact)
      .values([
        { firmId: firmA.id, clientId: clientA.id, userId: both.id },
        { firmId: firmB.id, clientId: clientB.id, userId: both.id }
      ]);
    const staff = await newUser('Staff');
    const checks: { token: string; packetId: string | null }[] = [];
    for (let i = 0; i < 6; i++) {
      checks.push({
        token: (await createSession(db(), both.id, 'client')).token,
        packetId: packetA.id
      });
      checks.push({
        token: (await createSession(db(), both.id, 'client')).token,
        packetId: packetB.id
      });
      const other = await newUser(`Person ${i}`);
      checks.push({ token: (await createSession(db(), other.id, 'client')).token, packetId: null });
      checks.push({
        token: (await createSession(db(), staff.id, 'staff')).token,
        packetId: packetA.id
      });
      checks.push({ token: `unknown-${i}`, packetId: i % 2 ? packetB.id : null });
    }
    // One browser's parallel requests: the same cookie, each naming its own packet.
    const shared = (await createSession(db(), both.id, 'client')).token;
    checks.push({ token: shared, packetId: packetB.id }, { token: shared, packetId: packetA.id });
    const alone: SessionValidation[] = [];
    for (const c of checks) alone.push(await validateSessionToken(db(), c.token, c.packetId));
    expect(alone.filter((r) => r.session)).toHaveLength(26);
    const localeOf = (r: SessionValidation) => (r.session ? r.locale : undefined);
    expect(localeOf(alone[0])).toBe('fr');
    expect(localeOf(alone[1])).toBe('de');

    const { result: together, count } = await countingStatements(() =>
      Promise.all(checks.map((c) => validateSessionToken(db(), c.token, c.packetId)))
    );
    expect(together).toEqual(alone);
    expect(count).toBeLessThan(checks.length / 2);
    const [last, secondLast] = [together.at(-1)!, together.at(-2)!];
    expect([localeOf(secondLast), localeOf(last)]).toEqual(['de', 'fr']);
  });

  it('answers more checks than one batch holds, each its own', async () => {
    const people = await Promise.all([1, 2, 3, 4, 5].map((i) => newUser(`Person ${i}`)));
    const tokens = await Promise.all(
      people.map(async (p) => (await createSession(db(), p.id, 'client')).token)
    );
    const checks = Array.from({ length: 450 }, (_, i) => i % 5);
    const { result, count } = await countingStatements(() =>
      Promise.all(checks.map((who) => validateSessionToken(db(), tokens[who])))
    );
    expect(result.map((r) => r.user?.id)).toEqual(checks.map((who) => people[who].id));
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThan(450);
  });

  it('refuses what is not an id hash or a packet id, before the database', async () => {
    const hash = 'a'.repeat(64);
    const { count } = await countingStatements(async () => {
      for (const [idHash, packetId] of [
        ['a,b', null],
        ['}', null],
        ['NULL', null],
        ['A'.repeat(64), null],
        [`${hash}\n`, null],
        [hash, 'NULL'],
        [hash, `${crypto.randomUUID()}\n`],
        [hash, `${crypto.randomUUID()},${crypto.randomUUID()}`]
      ] as const) {
        await expect(selectSessionRow(db(), idHash, packetId)).rejects.toThrow(
          /not an id hash or a packet id/
        );
      }
    });
    expect(count).toBe(0);
  });

  it('fails every check of a batch the database refuses, then answers the next ones', async () => {
    const u = await newUser();
    const tokens = await Promise.all(
      Array.from({ length: 5 }, async () => (await createSession(db(), u.id, 'client')).token)
    );
    const check = () => Promise.allSettled(tokens.map((t) => validateSessionToken(db(), t)));
    expect((await check()).every((r) => r.status === 'fulfilled')).toBe(true);
    await db().execute(sql`alter table session rename to session_away`);
    try {
      const refused = await check();
      expect(refused.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    } finally {
      await db().execute(sql`alter table session_away rename to session`);
    }
    const again = await check();
    for (const r of again) {
      expect(r.status).toBe('fulfilled');
      if (r.status === 'fulfilled') expect(r.value.user?.id).toBe(u.id);
    }
  });

  it('recovers when the database forgets the batch statement', async () => {
    const u = await newUser();
    const tokens = await Promise.all(
      Array.from({ length: 4 }, async () => (await createSession(db(), u.id, 'client')).token)
    );
    const check = () => Promise.all(tokens.map((t) => validateSessionToken(db(), t)));
    expect((await check()).every((r) => r.user?.id === u.id)).toBe(true);
    await db().execute(sql`deallocate all`);
    expect((await check()).every((r) => r.user?.id === u.id)).toBe(true);
  });
});
