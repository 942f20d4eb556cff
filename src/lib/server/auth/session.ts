import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { session, type Locale, type Session, type SignInMethod, type User } from '../db/schema';
import { selectSessionRow } from '../db/session-row';
import { pickLocale } from '../i18n/contact-locale';
import { generateToken, hashToken } from './token';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_DAYS = { client: 30, staff: 7 } as const;
/**
 * A client session ends this many days after it began (session.created_at), however often it
 * slid: a phone left signed in does not stay so for ever.
 */
export const CLIENT_SESSION_MAX_DAYS = 90;
/** A client session is renewed when fewer than this many days are left. */
const RENEW_BELOW_DAYS = 15;
/** last_seen_at is written at most this often per session. */
const SEEN_EVERY_MS = DAY;

export type SessionKind = Session['kind'];
export type SessionUser = Pick<User, 'id' | 'email' | 'name'>;
export type SessionValidation =
  | { session: Session; user: SessionUser; fresh: boolean; locale: Locale }
  | { session: null; user: null; fresh: false };

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
  /** How the user proved who they are; decisions made in the session record it. */
  signInMethod?: SignInMethod | null;
}

/** A new session token: 24 random bytes, base32; only its hash is stored. */
export function generateSessionToken(): string {
  return generateToken(24);
}

export async function createSession(
  db: Db,
  userId: string,
  kind: SessionKind,
  meta: SessionMeta = {}
): Promise<{ token: string; session: Session }> {
  const token = generateSessionToken();
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
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      signInMethod: meta.signInMethod ?? null
    })
    .returning();
  return { token, session: row };
}

/** The latest a session can last: a client's 90 days after it began; a staff one's expiry. */
function finalEnd(s: Session): number {
  if (s.kind !== 'client') return s.expiresAt.getTime();
  return s.createdAt.getTime() + CLIENT_SESSION_MAX_DAYS * DAY;
}

/**
 * One query validates a request (session joined to its user; requests that arrive together
 * share one, db/session-row.ts) and finds the language its pages speak
 * (i18n/contact-locale.ts has the precedence; `packetId` names the page's packet, whose firm
 * decides for a contact of several firms). At most one write a day per session: client
 * sessions slide when under 15 days remain, never past 90 days from sign-in; last_seen_at is
 * refreshed daily.
 */
export async function validateSessionToken(
  db: Db,
  token: string,
  packetId: string | null = null
): Promise<SessionValidation> {
  const idHash = hashToken(token);
  const row = await selectSessionRow(db, idHash, packetId);
  if (!row) return { session: null, user: null, fresh: false };
  const now = Date.now();
  const s = row.session;
  const end = finalEnd(s);
  if (now >= s.expiresAt.getTime() || now >= end) {
    await db.delete(session).where(eq(session.idHash, idHash));
    return { session: null, user: null, fresh: false };
  }
  const slid = Math.min(now + SESSION_DAYS.client * DAY, end);
  const renew =
    s.kind === 'client' &&
    s.expiresAt.getTime() - now < RENEW_BELOW_DAYS * DAY &&
    slid > s.expiresAt.getTime();
  const seen = now - s.lastSeenAt.getTime() >= SEEN_EVERY_MS;
  if (renew || seen) {
    const patch: Partial<Session> = { lastSeenAt: new Date(now) };
    if (renew) patch.expiresAt = new Date(slid);
    await db.update(session).set(patch).where(eq(session.idHash, idHash));
    Object.assign(s, patch);
  }
  const { own, contact, firm } = row.locale;
  return { session: s, user: row.user, fresh: renew, locale: pickLocale(own, contact, firm) };
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
  const now = Date.now();
  const began = new Date(now - CLIENT_SESSION_MAX_DAYS * DAY);
  await db
    .delete(session)
    .where(
      or(
        lt(session.expiresAt, new Date(now)),
        and(eq(session.kind, 'client'), lt(session.createdAt, began))
      )
    );
}

/** Deletes one of the user's sessions; false when it is not theirs or already gone. */
export async function invalidateUserSession(db: Db, userId: string, idHash: string) {
  const rows = await db
    .delete(session)
    .where(and(eq(session.userId, userId), eq(session.idHash, idHash)))
    .returning({ id: session.idHash });
  return rows.length > 0;
}
