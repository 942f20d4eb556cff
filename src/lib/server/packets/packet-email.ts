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

/** "Bank statements (3 pages)" */
const documentLine = (d: PacketMailContext['documents'][number]) =>
  `• ${d.displayName} (${d.pages} page${d.pages === 1 ? '' : 's'})`;

/**
 * The notification, update, reminder and nudge mails a contact gets for a packet. Approvers are
 * asked to review by the due date; viewers are told it is for their information.
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
  }
): PacketMail {
  const { firm, packet, kind, clientName } = input;
  const timeZone = zoneOrUtc(firm.timeZone);
  const what = packetHeading(packet.title, packet.period, ' ');
  const forClient = clientName ? ` for ${clientName}` : '';
  const hello = input.contactName ? `Hello ${input.contactName.split(' ')[0]}, ` : '';
  const docs = `the documents${forClient}`;
  const due = packet.dueAt
    ? `Please review and approve them by ${formatWeekdayDate(packet.dueAt, timeZone)}.`
    : '';
  const approver: Record<PacketMailKind, { subject: string; heading: string; intro: string }> = {
    packet: {
      subject: `${firm.name}: ${what}${forClient} is ready to review`,
      heading: `${what} is ready`,
      intro: `${hello}${firm.name} has sent you ${endSentence(docs)}`
    },
    packet_updated: {
      subject: `${firm.name} updated ${what}${forClient}`,
      heading: `${what} was updated`,
      intro: `${hello}${firm.name} has changed ${endSentence(docs)} Please take another look.`
    },
    reminder: {
      subject: `Reminder: ${what}${forClient} from ${firm.name}`,
      heading: `${what} is waiting for your review`,
      intro: `${hello}a friendly reminder that ${firm.name} is waiting for your review of ${endSentence(docs)}`
    },
    nudge: {
      subject: `${firm.name}: please review ${what}${forClient}`,
      heading: `${firm.name} is waiting for your review`,
      intro: `${hello}${firm.name} asked us to send you a fresh link to ${endSentence(docs)}`
    }
  };
  // Viewers read, they do not approve: no request, no due date, and no reminders to chase them.
  const viewer = {
    subject:
      kind === 'packet_updated'
        ? `${firm.name} updated ${what}${forClient}, for your information`
        : `${firm.name}: ${what}${forClient}, for your information`,
    heading: `${what}, for your information`,
    intro: `${hello}${firm.name} has ${kind === 'packet_updated' ? 'updated' : 'shared'} ${docs} with you, for your information. There is nothing for you to approve.`
  };
  const c = input.role === 'viewer' ? viewer : approver[kind];
  const list = input.documents.length
    ? `${input.documents.length === 1 ? 'Document' : 'Documents'}:\n${input.documents.map(documentLine).join('\n')}`
    : '';
  const noteLine = packet.note.trim() ? `Note from ${firm.name}: ${packet.note.trim()}` : '';
  const access = input.accessExpiresAt
    ? `Your access lasts until ${formatAccessUntil(input.accessExpiresAt, timeZone)}.`
    : '';
  const mail = renderMagicLinkEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    heading: c.heading,
    intro: [c.intro, list, input.role === 'viewer' ? '' : due, noteLine]
      .filter(Boolean)
      .join('\n\n'),
    buttonLabel: input.role === 'viewer' ? 'Open documents' : 'Review documents',
    url: input.url,
    code: null,
    expiresAt: input.expiresAt,
    timeZone,
    note: access || null,
    footer: contactFooter(firm.name, clientName)
  });
  return { kind, subject: c.subject, ...mail };
}
