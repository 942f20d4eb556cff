// What each event says on a device's lock screen: the firm's or client's name, the packet as its
// contacts know it, and where a tap goes. Short, and nothing from a document or a message.
import type { Firm, Packet } from '../db/schema';
import { formatWeekdayDate } from '../../format/dates';
import { packetHeading } from '../../format/periods';
import { zoneOrUtc } from '../../format/time-zone';
import type { PushMessage } from './outbox';
import type { Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';

type PacketKind = 'packet' | 'packet_updated' | 'reminder' | 'nudge';
type NoticeFirm = Pick<Firm, 'id' | 'name' | 'timeZone'>;
type NoticePacket = Pick<Packet, 'id' | 'title' | 'period' | 'dueAt'>;

/** A push topic from a prefix and an id: at most 32 base64url characters. */
export function pushTopic(prefix: string, id: string): string {
  return (prefix + id.replace(/[^A-Za-z0-9]/g, '')).slice(0, 32);
}

/** "Ledgerline Bookkeeping" / "Q3 2026 review is ready to review": a packet sent or re-sent. */
export function packetNotice(
  firm: NoticeFirm,
  p: NoticePacket,
  kind: PacketKind,
  role: 'approver' | 'viewer',
  locale: Locale = 'en'
): PushMessage {
  const o = { locale };
  const what = packetHeading(p.title, p.period, ' ', locale);
  const due = p.dueAt ? formatWeekdayDate(p.dueAt, zoneOrUtc(firm.timeZone), locale) : null;
  const body =
    kind === 'packet_updated'
      ? m.push_updated({ what }, o)
      : kind === 'packet'
        ? role === 'viewer'
          ? m.push_ready_view({ what }, o)
          : m.push_ready_review({ what }, o)
        : due
          ? m.push_due({ what, date: due }, o)
          : m.push_waiting({ what }, o);
  return {
    kind,
    firmId: firm.id,
    title: firm.name,
    body,
    url: `/p/${p.id}`,
    tag: `packet-${p.id}`,
    // The newest word about a packet replaces an older one a phone has not fetched yet.
    topic: pushTopic('p', p.id),
    ttlSeconds: 3 * 24 * 3600
  };
}

/** "Ledgerline Bookkeeping" / "New reply about your Q3 2026 review". */
export function replyNotice(firm: NoticeFirm, p: NoticePacket, locale: Locale = 'en'): PushMessage {
  return {
    kind: 'reply',
    firmId: firm.id,
    title: firm.name,
    body: m.push_reply({ what: packetHeading(p.title, p.period, ' ', locale) }, { locale }),
    url: `/p/${p.id}#thread`,
    tag: `reply-${p.id}`,
    topic: pushTopic('r', p.id),
    ttlSeconds: 3 * 24 * 3600
  };
}

/** A staff alert: "Question from Smith & Co" / "Q3 2026 review". */
export function alertNotice(
  firmId: string,
  kind: 'alert_question' | 'alert_decline',
  clientName: string,
  packetLabel: string,
  url: string,
  tag: string
): PushMessage {
  const title =
    kind === 'alert_question' ? `Question from ${clientName}` : `Declined by ${clientName}`;
  return {
    kind,
    firmId,
    title,
    body: packetLabel,
    url,
    tag,
    urgency: 'high',
    ttlSeconds: 24 * 3600
  };
}
