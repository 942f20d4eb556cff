import type { Firm, Packet } from '../db/schema';
import { formatWeekdayDate } from '../../format/dates';
import { zoneOrUtc } from '../../format/time-zone';
import { formatAccessUntil } from '../auth/access';
import { renderMagicLinkEmail } from '../email/templates/magic-link';
import { packetHeading } from '../../format/periods';

export type PacketMailKind = 'packet' | 'packet_updated' | 'reminder' | 'nudge';

export interface PacketMail {
  kind: PacketMailKind;
  subject: string;
  html: string;
  text: string;
}

/** The notification, update, reminder and nudge mails a contact gets for a packet. */
export function renderPacketEmail(input: {
  firm: Pick<Firm, 'name' | 'brandColor' | 'timeZone'>;
  packet: Pick<Packet, 'title' | 'period' | 'note' | 'dueAt'>;
  kind: PacketMailKind;
  contactName: string;
  url: string;
  expiresAt: Date;
  accessExpiresAt?: Date | null;
}): PacketMail {
  const { firm, packet, kind } = input;
  const timeZone = zoneOrUtc(firm.timeZone);
  const dueText = (due: Date | null) =>
    due ? ` Your review is due by ${formatWeekdayDate(due, timeZone)}.` : '';
  const what = packetHeading(packet.title, packet.period, ' ');
  const hello = input.contactName ? `Hello ${input.contactName.split(' ')[0]}, ` : '';
  const copy: Record<PacketMailKind, { subject: string; heading: string; intro: string }> = {
    packet: {
      subject: `${firm.name}: your ${what} is ready to review`,
      heading: `Your ${what} is ready`,
      intro: `${hello}${firm.name} has sent you documents to review.${dueText(packet.dueAt)}`
    },
    packet_updated: {
      subject: `${firm.name} updated your ${what}`,
      heading: `Your ${what} was updated`,
      intro: `${hello}${firm.name} has changed the documents in your ${what}. Please take another look.${dueText(packet.dueAt)}`
    },
    reminder: {
      subject: `Reminder: your ${what} from ${firm.name}`,
      heading: `Your ${what} is waiting for you`,
      intro: `${hello}a friendly reminder that ${firm.name} is waiting for your review.${dueText(packet.dueAt)}`
    },
    nudge: {
      subject: `${firm.name}: please review your ${what}`,
      heading: `${firm.name} is waiting for your review`,
      intro: `${hello}${firm.name} asked us to send you a fresh link to your ${what}.${dueText(packet.dueAt)}`
    }
  };
  const c = copy[kind];
  const noteLine = packet.note.trim() ? `Note from ${firm.name}: ${packet.note.trim()}` : '';
  const access = input.accessExpiresAt
    ? `Your access lasts until ${formatAccessUntil(input.accessExpiresAt, timeZone)}.`
    : '';
  const mail = renderMagicLinkEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    heading: c.heading,
    intro: [c.intro, noteLine].filter(Boolean).join('\n\n'),
    buttonLabel: 'Review documents',
    url: input.url,
    code: null,
    expiresAt: input.expiresAt,
    timeZone,
    note: access || null
  });
  return { kind, subject: c.subject, ...mail };
}
