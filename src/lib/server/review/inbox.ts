import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { calendarDayIn, zoneOffsetMinutes, zoneOrUtc } from '../../format/time-zone';
import type { Db } from '../db/client';
import {
  client,
  clientContact,
  delivery,
  document,
  firm,
  packet,
  packetVersion
} from '../db/schema';
import { asPublished, inPublishedVersion, currentSnapshot } from './published';
import { contactIsActive } from '../auth/guards';
import { packetsWithOpenQuestions } from './questions';
import { packetState, type PacketState } from '../../format/packet-status';
import { currentVersionOf, versionApproved, versionDeclined } from './approval';
import { safeBrandColor } from './status';

export interface InboxClient {
  id: string;
  name: string;
  firmId: string;
  firmName: string;
  brandColor: string;
  /** The firm's logo column (firm/logo-key.ts). */
  firmLogo: string | null;
}

export interface InboxPacket {
  id: string;
  title: string;
  period: string;
  dueAt: Date | null;
  /** The due date as the firm set it: a calendar day in the firm's zone (YYYY-MM-DD). */
  dueDay: string | null;
  /** Minutes the firm's zone is ahead of UTC now (due dates count from the firm's today). */
  firmUtcOffset: number;
  publishedAt: Date | null;
  status: 'published' | 'archived';
  clientId: string;
  clientName: string;
  firmName: string;
  brandColor: string;
  documents: number;
  chip: PacketState;
  /** The reader's role: a viewer is shown no due date (nothing is due from them). */
  role: 'approver' | 'viewer';
}

/**
 * The packets of every client the user is a current contact of (published or archived only),
 * newest period first, each with the chip the contact should see.
 */
export async function listInboxPackets(
  db: Db,
  userId: string,
  now = new Date()
): Promise<{ clients: InboxClient[]; packets: InboxPacket[] }> {
  const memberships = await db
    .select({
      contactId: clientContact.id,
      role: clientContact.role,
      clientId: client.id,
      clientName: client.name,
      firmId: firm.id,
      firmName: firm.name,
      brandColor: firm.brandColor,
      firmLogo: firm.logo,
      timeZone: firm.timeZone
    })
    .from(clientContact)
    .innerJoin(client, eq(client.id, clientContact.clientId))
    .innerJoin(firm, eq(firm.id, clientContact.firmId))
    .where(and(eq(clientContact.userId, userId), contactIsActive()))
    .orderBy(client.name);
  if (memberships.length === 0) return { clients: [], packets: [] };
  // Each firm's zone, and its offset from UTC now, once per membership rather than per packet.
  const byClient = new Map(
    memberships.map((m) => {
      const zone = zoneOrUtc(m.timeZone);
      return [m.clientId, { ...m, zone, utcOffset: zoneOffsetMinutes(now, zone) }];
    })
  );
  const contactIds = memberships.map((m) => m.contactId);

  // Each packet as its contacts see it: the published version's details.
  const packets = (
    await db
      .select({
        packet,
        snapshot: packetVersion,
        approved: versionApproved(currentVersionOf, firm.approvalRule),
        declined: versionDeclined(currentVersionOf)
      })
      .from(packet)
      .innerJoin(packetVersion, currentSnapshot())
      .innerJoin(firm, eq(firm.id, packet.firmId))
      .where(
        and(
          inArray(packet.clientId, [...byClient.keys()]),
          inArray(packet.status, ['published', 'archived'])
        )
      )
      .orderBy(desc(packetVersion.period), desc(packet.publishedAt), desc(packet.createdAt))
  ).map((r) => ({
    ...asPublished(r.packet, r.snapshot),
    approved: r.approved,
    declined: r.declined
  }));
  const ids = packets.map((p) => p.id);
  if (ids.length === 0) {
    return { clients: memberships.map(toClient), packets: [] };
  }

  const [opens, docCounts, openQuestions] = await Promise.all([
    db
      .select({ packetId: delivery.packetId, version: delivery.version })
      .from(delivery)
      .where(
        and(
          inArray(delivery.packetId, ids),
          inArray(delivery.contactId, contactIds),
          isNotNull(delivery.firstOpenedAt)
        )
      ),
    db
      .select({ packetId: document.packetId, n: sql<number>`count(*)::int` })
      .from(document)
      .innerJoin(packet, eq(packet.id, document.packetId))
      .where(and(inArray(document.packetId, ids), inPublishedVersion(packet.version)))
      .groupBy(document.packetId),
    packetsWithOpenQuestions(db, ids)
  ]);
  const opened = new Set(opens.map((o) => `${o.packetId}:${o.version}`));
  const documents = new Map(docCounts.map((d) => [d.packetId, d.n]));

  return {
    clients: memberships.map(toClient),
    packets: packets.map((p) => {
      const m = byClient.get(p.clientId)!;
      return {
        id: p.id,
        title: p.title,
        period: p.period,
        dueAt: p.dueAt,
        dueDay: p.dueAt ? calendarDayIn(p.dueAt, m.zone) : null,
        firmUtcOffset: m.utcOffset,
        publishedAt: p.publishedAt,
        status: p.status as 'published' | 'archived',
        clientId: p.clientId,
        clientName: m.clientName,
        firmName: m.firmName,
        brandColor: safeBrandColor(m.brandColor),
        documents: documents.get(p.id) ?? 0,
        role: m.role,
        chip: packetState(
          {
            status: p.status,
            approved: p.approved,
            declined: p.declined,
            questionOpen: openQuestions.has(p.id),
            // A viewer has nothing due: no "Due soon" nor "Overdue" for them.
            dueAt: m.role === 'viewer' ? null : p.dueAt,
            opened: opened.has(`${p.id}:${p.version}`)
          },
          now
        )
      };
    })
  };
}

function toClient(m: {
  clientId: string;
  clientName: string;
  firmId: string;
  firmName: string;
  brandColor: string;
  firmLogo: string | null;
}): InboxClient {
  return {
    id: m.clientId,
    name: m.clientName,
    firmId: m.firmId,
    firmName: m.firmName,
    brandColor: safeBrandColor(m.brandColor),
    firmLogo: m.firmLogo
  };
}
