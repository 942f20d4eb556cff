import { and, desc, eq, getTableColumns, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { session, user, type Session, type User } from '../db/schema';
import { pgliteBackend, pgliteJsonStatement } from '../db/pglite-prepared';
import { generateToken, hashToken } from './token';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'sheaf_session';
/** Marks the browser that asked for a sign-in link (its hash is stored with the link). */
export const BINDING_COOKIE = 'sheaf_bind';

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  sameSite: 'lax';
  secure: boolean;
  expires?: Date;
  maxAge?: number;
}

/** HttpOnly, SameSite=Lax, Path=/; Secure when the app is served over https. */
export function sessionCookieOptions(expiresAt: Date, secure: boolean): CookieOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt };
}

/** The binding cookie lives as long as a sign-in link. */
export function bindingCookieOptions(secure: boolean): CookieOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60 };
}
export const SESSION_DAYS = { client: 30, staff: 7 } as const;
/** A client session is renewed when fewer than this many days are left. */
const RENEW_BELOW_DAYS = 15;
/** last_seen_at is written at most this often per session. */
const SEEN_EVERY_MS = DAY;

export type SessionKind = Session['kind'];
export type SessionUser = Pick<User, 'id' | 'email' | 'name'>;
export type SessionValidation =
  | { session: Session; user: SessionUser; fresh: boolean }
  | { session: null; user: null; fresh: false };

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export async function createSession(
  db: Db,
  userId: string,
  kind: SessionKind,
  meta: SessionMeta = {}
): Promise<{ token: string; session: Session }> {
  const token = generateToken(24);
  const now = new Date();
  const [row] = await db
    .insert(session)
    .values({
      idHash: hashToken(token),
      userId,
      kind,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_DAYS[kind] * DAY),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null
    })
    .returning();
  return { token, session: row };
}

type ValidationRow = { session: Session; user: SessionUser };
type ValidationQuery = (idHash: string) => Promise<ValidationRow | undefined>;

// Built once per database handle: the hot path of every request skips drizzle's query building.
const prepared = new WeakMap<Db, ValidationQuery>();
function buildValidationQuery(db: Db): ValidationQuery {
  const query = db
    .select({ session, user: { id: user.id, email: user.email, name: user.name } })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    // id_hash is the primary key: no LIMIT, which makes PGlite plan the join ~2x slower.
    .where(eq(session.idHash, sql.placeholder('idHash')));
  const pglite = pgliteBackend(db);
  if (pglite) {
    // On PGlite the query runs on this thread, so its cost is the request's cost: the same
    // join as a prepared statement returning one JSON array (timestamps as epoch milliseconds),
    // mapped back here in the session table's column order.
    const columns = Object.entries(getTableColumns(session));
    const select = columns.map(([, c]) =>
      c.columnType === 'PgTimestamp' ? `extract(epoch from s."${c.name}") * 1000` : `s."${c.name}"`
    );
    const run = pgliteJsonStatement(
      pglite,
      'sheaf_validate_session',
      `select json_build_array(${select.join(', ')}, u."id", u."email", u."name")::text
       from "session" s join "user" u on u."id" = s."user_id" where s."id_hash" = $1`
    );
    return async (idHash) => {
      const row = (await run([idHash])) as unknown[] | undefined;
      if (!row) return undefined;
      const s = {} as Record<string, unknown>;
      columns.forEach(([key, c], i) => {
        const value = row[i];
        s[key] =
          c.columnType === 'PgTimestamp' && value !== null ? new Date(value as number) : value;
      });
      const n = columns.length;
      return {
        session: s as Session,
        user: { id: row[n] as string, email: row[n + 1] as string, name: row[n + 2] as string }
      };
    };
  }
  const statement = query.prepare('sheaf_validate_session');
  return async (idHash) => (await statement.execute({ idHash }))[0];
}
function validationQuery(db: Db) {
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = buildValidationQuery(db)));
  return query;
}

/**
 * One query validates a request (session joined to its user). At most one write a day per
 * session: client sessions slide when under 15 days remain; last_seen_at is refreshed daily.
 */
export async function validateSessionToken(db: Db, token: string): Promise<SessionValidation> {
  const idHash = hashToken(token);
  const row = await validationQuery(db)(idHash);
  if (!row) return { session: null, user: null, fresh: false };
  const now = Date.now();
  const s = row.session;
  if (now >= s.expiresAt.getTime()) {
    await db.delete(session).where(eq(session.idHash, idHash));
    return { session: null, user: null, fresh: false };
  }
  const renew = s.kind === 'client' && s.expiresAt.getTime() - now < RENEW_BELOW_DAYS * DAY;
  const seen = now - s.lastSeenAt.getTime() >= SEEN_EVERY_MS;
  if (renew || seen) {
    const patch: Partial<Session> = { lastSeenAt: new Date(now) };
    if (renew) patch.expiresAt = new Date(now + SESSION_DAYS.client * DAY);
    await db.update(session).set(patch).where(eq(session.idHash, idHash));
    Object.assign(s, patch);
  }
  return { session: s, user: row.user, fresh: renew };
}

export async function invalidateSession(db: Db, idHash: string): Promise<void> {
  await db.delete(session).where(eq(session.idHash, idHash));
}

export async function invalidateUserSessions(db: Db, userId: string): Promise<number> {
  const rows = await db
    .delete(session)
    .where(eq(session.userId, userId))
    .returning({ id: session.idHash });
  return rows.length;
}

export async function listUserSessions(db: Db, userId: string): Promise<Session[]> {
  return db
    .select()
    .from(session)
    .where(eq(session.userId, userId))
    .orderBy(desc(session.lastSeenAt));
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.delete(session).where(lt(session.expiresAt, new Date()));
}

/** Deletes one of the user's sessions; false when it is not theirs or already gone. */
export async function invalidateUserSession(db: Db, userId: string, idHash: string) {
  const rows = await db
    .delete(session)
    .where(and(eq(session.userId, userId), eq(session.idHash, idHash)))
    .returning({ id: session.idHash });
  return rows.length > 0;
}
