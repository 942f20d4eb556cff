// Which language a person's pages and mail use. A contact's own choice (/account) wins, then
// what staff set for them in that firm, then the firm's default, then English. Staff pages
// stay English: a staff session uses the person's own choice only.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, firm, packet, user, type Locale } from '../db/schema';
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
 * The language of a signed-in person's pages. A contact of several firms: on a packet's pages
 * that packet's firm decides, elsewhere the firm they became a contact of first.
 */
export async function signedInLocale(
  db: Db,
  userId: string,
  kind: 'client' | 'staff',
  packetId: string | null = null
): Promise<Locale> {
  if (kind === 'staff') {
    const [row] = await db.select({ own: user.locale }).from(user).where(eq(user.id, userId));
    return pickLocale(row?.own, null, null);
  }
  // The packet's firm's row first, when there is a packet; then the oldest.
  const order = packetId
    ? [
        sql`(${clientContact.firmId} = (select ${packet.firmId} from ${packet} where ${packet.id} = ${packetId})) desc nulls last`,
        asc(clientContact.createdAt)
      ]
    : [asc(clientContact.createdAt)];
  const [row] = await db
    .select({ own: user.locale, contact: clientContact.locale, firm: firm.locale })
    .from(user)
    .leftJoin(clientContact, eq(clientContact.userId, user.id))
    .leftJoin(firm, eq(firm.id, clientContact.firmId))
    .where(eq(user.id, userId))
    .orderBy(...order)
    .limit(1);
  return pickLocale(row?.own, row?.contact, row?.firm);
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
