import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contactIsActive } from '../auth/guards';
import { packetLinkExpiresAt } from '../auth/link-lifetime';
import { issueMagicLink, issueMagicLinks, type IssuedMagicLink } from '../auth/magic-link';
import { enqueueEmail, enqueueEmails, type EmailMessage } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { recordAudit } from '../audit';
import {
  clientContact,
  delivery,
  document,
  packet,
  user,
  type Firm,
  type Packet
} from '../db/schema';
import { recordPacketVersion } from '../review/published';
import { enqueuePush } from '../push/outbox';
import { packetNotice } from '../push/notices';
import { publishAudience } from './audience';
import type { Locale } from '../../i18n/locale';
import { contactLocale, contactLocales } from '../i18n/contact-locale';
import { listUnpublishedChanges } from './packets';
import {
  loadPacketMailContext,
  renderPacketEmail,
  type PacketMailContext,
  type PacketMailKind
} from './packet-email';

export class PublishError extends Error {}

export interface PacketRecipient {
  contactId: string;
  userId: string;
  email: string;
  /** The name the firm gave the contact (client_contact.name), for the greeting. */
  name: string;
  role: 'approver' | 'viewer';
  accessExpiresAt: Date | null;
}

/** The client's contacts who can see the packet now. */
export async function activeRecipients(db: Db, clientId: string): Promise<PacketRecipient[]> {
  return db
    .select({
      contactId: clientContact.id,
      userId: user.id,
      email: user.email,
      name: clientContact.name,
      role: clientContact.role,
      accessExpiresAt: clientContact.accessExpiresAt
    })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(and(eq(clientContact.clientId, clientId), contactIsActive()));
}

/** The mail carrying a contact's packet link. */
function packetMail(
  firm: Firm,
  p: Packet,
  context: PacketMailContext,
  to: PacketRecipient,
  kind: PacketMailKind,
  link: IssuedMagicLink,
  deliveryId: string,
  locale: Locale
): EmailMessage {
  const mail = renderPacketEmail({
    locale,
    ...context,
    firm,
    packet: p,
    kind,
    role: to.role,
    contactName: to.name,
    url: link.url,
    expiresAt: link.expiresAt,
    accessExpiresAt: to.accessExpiresAt
  });
  return {
    kind,
    to: to.email,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    ...firmEnvelope(firm),
    metadata: { packetId: p.id, deliveryId }
  };
}

/** What issueMagicLink(s) gets for a contact's link to the packet. */
function packetLinkInput(firm: Firm, p: Packet, to: PacketRecipient, expiresAt: Date) {
  return {
    userId: to.userId,
    purpose: 'packet' as const,
    firmId: firm.id,
    packetId: p.id,
    redirectTo: `/p/${p.id}`,
    expiresAt
  };
}

/**
 * Mails one contact a fresh packet link and returns the outbox id. Inside the caller's
 * transaction: the mail exists if and only if the caller commits. `p` is the packet as its
 * contacts see it (published details): its due date sets how long the link works.
 */
export async function mailPacketLink(
  tx: Db,
  firm: Firm,
  p: Packet,
  context: PacketMailContext,
  to: PacketRecipient,
  kind: PacketMailKind,
  deliveryId: string,
  now = new Date()
): Promise<number> {
  const expiresAt = packetLinkExpiresAt(firm, p.dueAt, now);
  const link = await issueMagicLink(tx, packetLinkInput(firm, p, to, expiresAt));
  const locale = await contactLocale(tx, firm.id, to.userId);
  // Beside the mail, a notice on each device the contact turned notifications on for.
  await enqueuePush(tx, to.userId, packetNotice(firm, p, kind, to.role, locale));
  return enqueueEmail(tx, packetMail(firm, p, context, to, kind, link, deliveryId, locale));
}

/**
 * mailPacketLink for many contacts (a publish): the same links and mails, written by the
 * batched writers. Returns delivery id -> outbox id pairs.
 */
export async function mailPacketLinks(
  tx: Db,
  firm: Firm,
  p: Packet,
  context: PacketMailContext,
  to: (PacketRecipient & { deliveryId: string })[],
  kind: PacketMailKind
): Promise<{ id: string; outboxId: number }[]> {
  const expiresAt = packetLinkExpiresAt(firm, p.dueAt);
  const links = await issueMagicLinks(
    tx,
    to.map((r) => packetLinkInput(firm, p, r, expiresAt))
  );
  const locales = await contactLocales(
    tx,
    firm.id,
    to.map((r) => r.userId)
  );
  const localeOf = (userId: string) => locales.get(userId) ?? firm.locale;
  const outboxIds = await enqueueEmails(
    tx,
    to.map((r, i) =>
      packetMail(firm, p, context, r, kind, links[i], r.deliveryId, localeOf(r.userId))
    )
  );
  for (const role of ['approver', 'viewer'] as const) {
    for (const locale of new Set(to.map((r) => localeOf(r.userId)))) {
      const users = to
        .filter((r) => r.role === role && localeOf(r.userId) === locale)
        .map((r) => r.userId);
      if (users.length === 0) continue;
      // Once per device and version, however a publish is retried.
      const notice = packetNotice(firm, p, kind, role, locale);
      await enqueuePush(tx, users, notice, `packet:${p.id}:${p.version}`);
    }
  }
  return to.map((r, i) => ({ id: r.deliveryId, outboxId: outboxIds[i] }));
}

export interface PublishResult {
  version: number;
  deliveries: number;
  /** Contacts the publish did not mail (access ended, bounced address): see publishAudience. */
  skipped: number;
  updated: boolean;
}

/**
 * Publishes the packet in one transaction: the next version (its details frozen in
 * packet_version, staged uploads and removals taking effect), a delivery and a mail (with its
 * own packet link) per active contact. Decisions on earlier versions stay as history.
 */
export async function publishPacket(
  db: Db,
  firm: Firm,
  packetId: string,
  actorId: string
): Promise<PublishResult> {
  return db.transaction(async (tx) => {
    const [p] = await tx
      .select()
      .from(packet)
      .where(and(eq(packet.id, packetId), eq(packet.firmId, firm.id)))
      .for('update');
    if (!p) throw new PublishError('Packet not found.');
    if (p.status === 'archived') throw new PublishError('This packet is archived.');
    const docs = await tx
      .select({ id: document.id })
      .from(document)
      .where(and(eq(document.packetId, p.id), isNull(document.removedAt)));
    if (docs.length === 0) {
      throw new PublishError('Add at least one PDF before publishing.');
    }
    const { mailed: recipients, skipped } = await publishAudience(tx, p.clientId, firm.timeZone);
    if (recipients.length === 0) {
      throw new PublishError(
        skipped.length
          ? "None of this client's contacts can get the email. Add a contact with access and a working address first."
          : 'This client has no contacts with access. Add a contact first.'
      );
    }
    // A second press of Publish (another tab, a double submit) waited for the lock above and
    // finds the first one's version: nothing is left for it to send.
    if (p.version > 0 && !(await hasSomethingToPublish(tx, p, recipients))) {
      throw new PublishError(`Nothing to publish: no changes since version ${p.version}.`);
    }
    const version = p.version + 1;
    const updated = p.version > 0;
    const now = new Date();
    const [published] = await tx
      .update(packet)
      .set({ status: 'published', version, publishedAt: now, updatedAt: now })
      .where(eq(packet.id, p.id))
      .returning();
    await tx
      .update(document)
      .set({ version })
      .where(and(eq(document.packetId, p.id), eq(document.version, 0)));
    await tx
      .update(document)
      .set({ removedVersion: version })
      .where(
        and(
          eq(document.packetId, p.id),
          isNotNull(document.removedAt),
          isNull(document.removedVersion)
        )
      );
    await recordPacketVersion(tx, published, actorId);
    const rows = await tx
      .insert(delivery)
      .values(
        recipients.map((r) => ({
          firmId: firm.id,
          packetId: p.id,
          version,
          contactId: r.contactId
        }))
      )
      .returning({ id: delivery.id, contactId: delivery.contactId });
    const byContact = new Map(rows.map((r) => [r.contactId, r.id]));
    const context = await loadPacketMailContext(tx, published, version);
    const outboxIds = await mailPacketLinks(
      tx,
      firm,
      published,
      context,
      recipients.map((r) => ({ ...r, deliveryId: byContact.get(r.contactId)! })),
      updated ? 'packet_updated' : 'packet'
    );
    await setOutboxIds(tx, outboxIds);
    await recordAudit(tx, {
      action: updated ? 'packet.republished' : 'packet.published',
      firmId: firm.id,
      actorId,
      subject: `packet:${p.id}`,
      data: {
        version,
        recipients: recipients.length,
        documents: docs.length,
        ...(skipped.length ? { skipped: skipped.map((c) => c.email) } : {})
      }
    });
    return { version, deliveries: recipients.length, skipped: skipped.length, updated };
  });
}

/**
 * Whether publishing a published packet would change anything, as the packet page's Publish
 * button asks: unpublished changes, or a contact who has not had the current version.
 */
async function hasSomethingToPublish(
  tx: Db,
  p: Packet,
  recipients: PacketRecipient[]
): Promise<boolean> {
  if ((await listUnpublishedChanges(tx, p)).any) return true;
  const had = await tx
    .select({ contactId: delivery.contactId })
    .from(delivery)
    .where(and(eq(delivery.packetId, p.id), eq(delivery.version, p.version)));
  const sent = new Set(had.map((d) => d.contactId));
  return recipients.some((r) => !sent.has(r.contactId));
}

/** One UPDATE ... FROM (VALUES ...) per 500 deliveries instead of one statement each. */
export async function setOutboxIds(tx: Db, pairs: { id: string; outboxId: number }[]) {
  for (let i = 0; i < pairs.length; i += 500) {
    const chunk = pairs.slice(i, i + 500);
    const values = sql.join(
      chunk.map((p) => sql`(${p.id}::uuid, ${p.outboxId}::bigint)`),
      sql`, `
    );
    await tx.execute(
      sql`update delivery set outbox_id = v.outbox_id from (values ${values}) as v(id, outbox_id) where delivery.id = v.id`
    );
  }
}
