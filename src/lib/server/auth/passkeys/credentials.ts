// A user's passkeys as stored: listed, named and removed from /account, reset by an owner.
import { and, asc, eq, sql } from 'drizzle-orm';
import { UAParser } from 'ua-parser-js';
import type { AuthenticatorTransportFuture } from '@simplewebauthn/server';
import type { Db } from '../../db/client';
import { passkey, session } from '../../db/schema';

export type Passkey = typeof passkey.$inferSelect;

export const PASSKEY_NAME_MAX = 60;

/** What /account shows of a passkey: never its key or credential id. */
export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Synced to the user's other devices (iCloud Keychain, Google Password Manager...). */
  synced: boolean;
}

export async function listPasskeys(db: Db, userId: string): Promise<PasskeySummary[]> {
  const rows = await db
    .select()
    .from(passkey)
    .where(eq(passkey.userId, userId))
    .orderBy(asc(passkey.createdAt));
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    lastUsedAt: p.lastUsedAt,
    synced: p.backedUp
  }));
}

export async function countPasskeys(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(passkey)
    .where(eq(passkey.userId, userId));
  return Number(row?.n ?? 0);
}

/** The user's credentials, for excludeCredentials (registration) and allowCredentials (step-up). */
export async function credentialDescriptors(db: Db, userId: string) {
  const rows = await db
    .select({ id: passkey.credentialId, transports: passkey.transports })
    .from(passkey)
    .where(eq(passkey.userId, userId));
  return rows.map((r) => ({
    id: r.id,
    transports: r.transports as AuthenticatorTransportFuture[]
  }));
}

export async function findPasskeyByCredential(
  db: Db,
  credentialId: string
): Promise<Passkey | null> {
  const [row] = await db
    .select()
    .from(passkey)
    .where(eq(passkey.credentialId, credentialId))
    .limit(1);
  return row ?? null;
}

/** One of the user's own passkeys; null for another's, a missing or a malformed id. */
export async function findOwnPasskey(db: Db, userId: string, id: string) {
  const [row] = await db
    .select({ id: passkey.id, name: passkey.name })
    .from(passkey)
    .where(and(eq(passkey.id, id), eq(passkey.userId, userId)))
    .limit(1);
  return row ?? null;
}

/** Renames one of the user's passkeys; false when it is not theirs (or gone). */
export async function renamePasskey(db: Db, userId: string, id: string, name: string) {
  const rows = await db
    .update(passkey)
    .set({ name })
    .where(and(eq(passkey.id, id), eq(passkey.userId, userId)))
    .returning({ id: passkey.id, name: passkey.name });
  return rows[0] ?? null;
}

/** Removes one of the user's passkeys; null when it is not theirs (or gone). */
export async function removePasskey(db: Db, userId: string, id: string) {
  const rows = await db
    .delete(passkey)
    .where(and(eq(passkey.id, id), eq(passkey.userId, userId)))
    .returning({ id: passkey.id, name: passkey.name });
  return rows[0] ?? null;
}

/**
 * An owner's reset of a colleague: every passkey of theirs goes, and no session of theirs
 * counts as confirmed any longer (the next /firm page asks again, or walks them through adding
 * one). Returns how many passkeys were removed.
 */
export async function resetPasskeys(db: Db, userId: string): Promise<number> {
  const removed = await db
    .delete(passkey)
    .where(eq(passkey.userId, userId))
    .returning({ id: passkey.id });
  await db.update(session).set({ passkeyConfirmedAt: null }).where(eq(session.userId, userId));
  return removed.length;
}

/**
 * A first name for a new passkey from the browser that made it: the device's model ("iPhone",
 * "Pixel 7") or, on a computer, its system ("macOS", "Windows"). The user can rename it.
 */
export function defaultPasskeyName(userAgent: string | null): string {
  const ua = UAParser(userAgent ?? '');
  const name = ua.device.model || ua.os.name || 'Passkey';
  return name.slice(0, PASSKEY_NAME_MAX);
}
