// Which language a person's pages and mail use. A contact's own choice (/account) wins, then
// what staff set for them in that firm, then the firm's default, then English. Staff pages
// stay English: a staff session uses the person's own choice only. A signed-in page's settings
// are read with its session (db/session-row.ts); mail reads them here.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, firm, user, type Locale } from '../db/schema';
import { baseLocale } from '../../i18n/locale';

/** The precedence, in one place: the person's, the firm's setting for them, the firm's. */
export function pickLocale(
  own: Locale | null | undefined,
  contact: Locale | null | undefined,
  firmDefault: Locale | null | undefined
): Locale {
  return own ?? contact ?? firmDefault ?? baseLocale;
}

/**
 * The language each of these people reads this firm's mail in (people with no contact row in
 * the firm: their own choice, else the firm's default). One query for a whole audience.
 */
export async function contactLocales(
  db: Db,
  firmId: string,
  userIds: readonly string[]
): Promise<Map<string, Locale>> {
  const out = new Map<string, Locale>();
  if (userIds.length === 0) return out;
  const [firmRow] = await db.select({ locale: firm.locale }).from(firm).where(eq(firm.id, firmId));
  const rows = await db
    .select({ userId: user.id, own: user.locale, contact: clientContact.locale })
    .from(user)
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, user.id), eq(clientContact.firmId, firmId))
    )
    .where(inArray(user.id, [...new Set(userIds)]))
    // A person with rows for several clients of the firm: a row staff set wins over an unset one.
    .orderBy(asc(user.id), desc(sql`${clientContact.locale} is not null`));
  for (const r of rows) {
    if (!out.has(r.userId)) out.set(r.userId, pickLocale(r.own, r.contact, firmRow?.locale));
  }
  return out;
}

/** The person's own choice (/account), or null for "as each firm set it". */
export async function ownLocale(db: Db, userId: string): Promise<Locale | null> {
  const [row] = await db.select({ own: user.locale }).from(user).where(eq(user.id, userId));
  return row?.own ?? null;
}

/** One person's language for this firm's mail. */
export async function contactLocale(db: Db, firmId: string, userId: string): Promise<Locale> {
  const found = await contactLocales(db, firmId, [userId]);
  return found.get(userId) ?? baseLocale;
}
