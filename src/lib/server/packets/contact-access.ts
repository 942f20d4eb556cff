import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import { client, clientContact, user, type Firm } from '../db/schema';
import { enqueueEmail } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { DEFAULT_TIME_ZONE, zoneAbbreviation } from '../../format/time-zone';
import { contactFooter } from '../email/templates/contact-footer';
import { formatWhen, renderMagicLinkEmail } from '../email/templates/magic-link';
import { endSentence } from '../../format/words';
import { endSessionsWithoutAccess } from '../auth/guards';
import { issueMagicLink } from '../auth/magic-link';
import type { Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';
import { contactLocale } from '../i18n/contact-locale';

/** "Fri 28 Nov, 09:00 EST" in the firm's zone. */
export function formatAccessUntil(
  at: Date,
  timeZone = DEFAULT_TIME_ZONE,
  locale: Locale = 'en'
): string {
  return `${formatWhen(at, timeZone, locale)} ${zoneAbbreviation(at, timeZone)}`;
}

/**
 * Sends a contact a 7-day invite link into the client portal (/p). Guest contacts are told until
 * when their access lasts. Call inside the transaction that adds the contact, or on its own.
 * Returns null when the contact is not the firm's.
 */
export async function inviteContact(
  db: Db,
  input: { contactId: string; firm: Firm; invitedBy: { id: string; name: string } | null }
): Promise<{ linkId: string; outboxId: number } | null> {
  const [row] = await db
    .select({ contact: clientContact, user, clientName: client.name })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .innerJoin(client, eq(client.id, clientContact.clientId))
    .where(and(eq(clientContact.id, input.contactId), eq(clientContact.firmId, input.firm.id)))
    .limit(1);
  if (!row) return null;
  const link = await issueMagicLink(db, {
    userId: row.user.id,
    purpose: 'invite',
    firmId: input.firm.id,
    redirectTo: '/p'
  });
  const until = row.contact.accessExpiresAt;
  const locale = await contactLocale(db, input.firm.id, row.user.id);
  const o = { locale };
  const who = input.invitedBy?.name
    ? m.mail_invite_who({ name: input.invitedBy.name, firm: input.firm.name }, o)
    : input.firm.name;
  // The name this firm gave them: the account's own may come from another firm.
  const hello = row.contact.name ? m.mail_hello({ name: row.contact.name.split(' ')[0] }, o) : '';
  const words = { hello, who, client: endSentence(row.clientName) };
  const mail = renderMagicLinkEmail({
    firmName: input.firm.name,
    brandColor: input.firm.brandColor,
    logo: input.firm.logo,
    heading: m.mail_invite_heading({ firm: input.firm.name }, o),
    intro:
      row.contact.role === 'viewer'
        ? m.mail_invite_intro_viewer(words, o)
        : m.mail_invite_intro(words, o),
    buttonLabel: m.mail_open_your_documents({}, o),
    url: link.url,
    code: link.code,
    expiresAt: link.expiresAt,
    timeZone: input.firm.timeZone,
    note: until
      ? m.mail_access_until({ when: formatAccessUntil(until, input.firm.timeZone, locale) }, o)
      : null,
    footer: contactFooter(input.firm.name, row.clientName, Boolean(link.code), locale),
    locale
  });
  const outboxId = await enqueueEmail(db, {
    kind: 'invite',
    to: row.user.email,
    subject: m.mail_invite_subject({ firm: input.firm.name }, o),
    ...mail,
    ...firmEnvelope(input.firm)
  });
  await recordAudit(db, {
    action: 'auth.link_sent',
    firmId: input.firm.id,
    actorId: input.invitedBy?.id ?? null,
    subject: `contact:${row.contact.id}`,
    data: { purpose: 'invite' }
  });
  return { linkId: link.id, outboxId };
}

/**
 * Removes a contact (`remove: true`) or ends their guest access now. When the user has no
 * other active contact and no membership left, every session of theirs is deleted at once.
 * Returns false when the contact is not the firm's.
 */
export async function revokeContactAccess(
  db: Db,
  input: { firmId: string; contactId: string; remove: boolean; actorId?: string | null }
): Promise<boolean> {
  const where = and(eq(clientContact.id, input.contactId), eq(clientContact.firmId, input.firmId));
  const [changed] = input.remove
    ? await db.delete(clientContact).where(where).returning()
    : await db
        .update(clientContact)
        // This instance's clock, not the database's: contactIsActive compares with new Date(),
        // and the two clocks (or a timestamptz's microseconds against a Date's milliseconds)
        // can disagree by enough to leave the contact active.
        .set({ accessExpiresAt: new Date() })
        .where(where)
        .returning();
  if (!changed) return false;
  // Removed or ended, this contact no longer counts: with no other access, sessions end now.
  const ended = await endSessionsWithoutAccess(db, changed.userId);
  await recordAudit(db, {
    action: input.remove ? 'contact.removed' : 'contact.access_ended',
    firmId: input.firmId,
    actorId: input.actorId ?? null,
    subject: `contact:${changed.id}`,
    data: { sessionsEnded: ended }
  });
  return true;
}
