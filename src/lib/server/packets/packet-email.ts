import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { client, document, type Firm, type Packet } from '../db/schema';
import { formatWeekdayDate } from '../../format/dates';
import { displayNameOf } from '../../format/names';
import { zoneOrUtc } from '../../format/time-zone';
import { endSentence } from '../../format/words';
import { formatAccessUntil } from './contact-access';
import { contactFooter } from '../email/templates/contact-footer';
import { renderMagicLinkEmail } from '../email/templates/magic-link';
import { packetHeading } from '../../format/periods';
import { inPublishedVersion } from '../review/published';
import type { Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';

export type PacketMailKind = 'packet' | 'packet_updated' | 'reminder' | 'nudge';

export interface PacketMail {
  kind: PacketMailKind;
  subject: string;
  html: string;
  text: string;
}

/** What every mail about one packet names: the business it is for and its documents. */
export interface PacketMailContext {
  clientName: string;
  documents: { displayName: string; pages: number }[];
}

/**
 * The client's name and the documents a packet mail lists: those of published version
 * `version`, or, for a preview before publishing, those the next publish will send.
 */
export async function loadPacketMailContext(
  db: Db,
  p: Pick<Packet, 'id' | 'clientId'>,
  version: number | 'next'
): Promise<PacketMailContext> {
  const [[row], documents] = await Promise.all([
    db.select({ name: client.name }).from(client).where(eq(client.id, p.clientId)),
    db
      .select({
        displayName: document.displayName,
        filename: document.filename,
        pages: document.pages
      })
      .from(document)
      .where(
        and(
          eq(document.packetId, p.id),
          version === 'next' ? isNull(document.removedAt) : inPublishedVersion(version)
        )
      )
      .orderBy(asc(document.position), asc(document.createdAt))
  ]);
  return {
    clientName: row?.name ?? '',
    documents: documents.map((d) => ({
      displayName: d.displayName || displayNameOf(d.filename),
      pages: d.pages
    }))
  };
}

/** "• Bank statements (3 pages)" */
const documentLine = (d: PacketMailContext['documents'][number], locale: Locale) =>
  m.mail_document_line({ name: d.displayName, count: d.pages }, { locale });

/**
 * The notification, update, reminder and nudge mails a contact gets for a packet, in the
 * contact's language. Approvers are asked to review by the due date; viewers are told it is for
 * their information.
 */
export function renderPacketEmail(
  input: PacketMailContext & {
    firm: Pick<Firm, 'name' | 'brandColor' | 'timeZone'> & Partial<Pick<Firm, 'logo'>>;
    packet: Pick<Packet, 'title' | 'period' | 'note' | 'dueAt'>;
    kind: PacketMailKind;
    role: 'approver' | 'viewer';
    contactName: string;
    url: string;
    expiresAt: Date;
    accessExpiresAt?: Date | null;
    /** The recipient's language (server/i18n/contact-locale.ts); English when absent. */
    locale?: Locale;
  }
): PacketMail {
  const { firm, packet, kind, clientName } = input;
  const locale = input.locale ?? 'en';
  const o = { locale };
  const timeZone = zoneOrUtc(firm.timeZone);
  const what = packetHeading(packet.title, packet.period, ' ', locale);
  const forClient = clientName ? m.mail_for_client({ client: clientName }, o) : '';
  const hello = input.contactName ? m.mail_hello({ name: input.contactName.split(' ')[0] }, o) : '';
  const docs = m.mail_documents({ forClient }, o);
  const p = { firm: firm.name, what, forClient, hello, docs: endSentence(docs) };
  const due = packet.dueAt
    ? m.mail_due({ date: formatWeekdayDate(packet.dueAt, timeZone, locale) }, o)
    : '';
  const approver: Record<PacketMailKind, { subject: string; heading: string; intro: string }> = {
    packet: {
      subject: m.mail_packet_subject(p, o),
      heading: m.mail_packet_heading(p, o),
      intro: m.mail_packet_intro(p, o)
    },
    packet_updated: {
      subject: m.mail_updated_subject(p, o),
      heading: m.mail_updated_heading(p, o),
      intro: m.mail_updated_intro(p, o)
    },
    reminder: {
      subject: m.mail_reminder_subject(p, o),
      heading: m.mail_reminder_heading(p, o),
      intro: m.mail_reminder_intro(p, o)
    },
    nudge: {
      subject: m.mail_nudge_subject(p, o),
      heading: m.mail_nudge_heading(p, o),
      intro: m.mail_nudge_intro(p, o)
    }
  };
  // Viewers read, they do not approve: no request, no due date, and no reminders to chase them.
  const updated = kind === 'packet_updated';
  const viewer = {
    subject: updated ? m.mail_viewer_updated_subject(p, o) : m.mail_viewer_subject(p, o),
    heading: m.mail_viewer_heading(p, o),
    intro: (updated ? m.mail_viewer_updated_intro : m.mail_viewer_intro)({ ...p, docs }, o)
  };
  const c = input.role === 'viewer' ? viewer : approver[kind];
  const list = input.documents.length
    ? `${m.mail_documents_list({ count: input.documents.length }, o)}\n${input.documents.map((d) => documentLine(d, locale)).join('\n')}`
    : '';
  const noteLine = packet.note.trim()
    ? m.mail_note_from({ firm: firm.name, note: packet.note.trim() }, o)
    : '';
  const access = input.accessExpiresAt
    ? m.mail_access_until({ when: formatAccessUntil(input.accessExpiresAt, timeZone, locale) }, o)
    : '';
  const mail = renderMagicLinkEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    heading: c.heading,
    intro: [c.intro, list, input.role === 'viewer' ? '' : due, noteLine]
      .filter(Boolean)
      .join('\n\n'),
    buttonLabel:
      input.role === 'viewer' ? m.mail_open_documents({}, o) : m.mail_review_documents({}, o),
    url: input.url,
    code: null,
    expiresAt: input.expiresAt,
    timeZone,
    note: access || null,
    footer: contactFooter(firm.name, clientName, false, locale),
    locale
  });
  return { kind, subject: c.subject, ...mail };
}
