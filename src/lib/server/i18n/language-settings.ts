// Choosing a language: the firm's default (/firm/settings), what staff set for a contact (the
// client page), and a person's own choice (/account). Each change is audited with what it was
// and what it became; one that changes nothing writes nothing.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import { clientContact, LOCALES, user, type Locale } from '../db/schema';
import type { SettingActor } from '../firm/settings';
import { m } from '../../paraglide/messages.js';

// In the request's language: a contact's on /account, a staff member's own (English unless
// they chose otherwise) on the firm's pages.
const CHOOSE = { error: () => m.err_choose_language() };

/** The firm's default: one of the languages. */
export const firmLanguageSchema = z.object({ locale: z.enum(LOCALES, CHOOSE) });

/** A contact's or a person's language: one of them, or '' for "as the firm set it". */
export const languageChoiceSchema = z.object({
  locale: z
    .union([z.literal(''), z.enum(LOCALES)], CHOOSE)
    .transform((v): Locale | null => v || null)
});

/** A person's own language (null: as each firm set it). False when it was already so. */
export async function setOwnLocale(
  db: Db,
  userId: string,
  locale: Locale | null,
  actor: SettingActor
): Promise<boolean> {
  const [row] = await db.select({ locale: user.locale }).from(user).where(eq(user.id, userId));
  if (!row || row.locale === locale) return false;
  await db.update(user).set({ locale }).where(eq(user.id, userId));
  await recordAudit(db, {
    action: 'account.language_changed',
    actorId: actor.id,
    subject: `user:${userId}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { from: row.locale, to: locale }
  });
  return true;
}

/**
 * The language staff set for a contact, on every contact row the person has in the firm (one
 * person, one language per firm). Null when the contact is not this firm's; false when it was
 * already so.
 */
export async function setContactLocale(
  db: Db,
  firmId: string,
  contactId: string,
  locale: Locale | null,
  actor: SettingActor & { clientId: string }
): Promise<boolean | null> {
  const [row] = await db
    .select({ userId: clientContact.userId, locale: clientContact.locale })
    .from(clientContact)
    .where(
      and(
        eq(clientContact.id, contactId),
        eq(clientContact.firmId, firmId),
        eq(clientContact.clientId, actor.clientId)
      )
    );
  if (!row) return null;
  if (row.locale === locale) return false;
  await db
    .update(clientContact)
    .set({ locale })
    .where(and(eq(clientContact.firmId, firmId), eq(clientContact.userId, row.userId)));
  await recordAudit(db, {
    action: 'contact.updated',
    firmId,
    actorId: actor.id,
    subject: `client:${actor.clientId}`,
    ip: actor.ip,
    ua: actor.ua,
    data: { contactId, locale: { from: row.locale, to: locale } }
  });
  return true;
}
