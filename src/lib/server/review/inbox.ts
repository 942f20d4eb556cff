import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { contactIsActive } from '../auth/guards';
import { calendarDayIn, zoneOffsetMinutes, zoneOrUtc } from '../../format/time-zone';
import type { Db } from '../db/client';
import { preparedOnce, uuidArray } from '../db/prepared';
import { client, clientContact, document, firm, packet, packetVersion } from '../db/schema';
import { inPublishedVersion, currentSnapshot } from './published';
import { isOpenQuestion } from '../packets/needs-reply';
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

// Built once (db/prepared.ts); lists of ids go as one uuid[] placeholder each.
function buildMemberships(db: Db) {
  return db
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
    .where(
      and(
        eq(clientContact.userId, sql.placeholder('userId')),
        contactIsActive(sql.placeholder('now'))
      )
    )
    .orderBy(client.name)
    .prepare('sheaf_inbox_memberships');
}

/**
 * The clients' published and archived packets as their contacts see them (the published
 * version's details), with what each chip needs: approved and declined under the firm's rule,
 * an open question, opened by one of the user's contacts, and the documents in the version.
 */
function buildPackets(db: Db) {
  const contactIds = sql`${sql.placeholder('contactIds')}::uuid[]`;
  return db
    .select({
      id: packet.id,
      clientId: packet.clientId,
      status: packet.status,
      version: packet.version,
      publishedAt: packet.publishedAt,
      title: packetVersion.title,
      period: packetVersion.period,
      dueAt: packetVersion.dueAt,
      approved: versionApproved(currentVersionOf, firm.approvalRule),
      declined: versionDeclined(currentVersionOf),
      questionOpen: sql<boolean>`exists (select 1 from "comment"
        where "comment".packet_id = ${packet.id} and ${isOpenQuestion()})`,
      opened: sql<boolean>`exists (select 1 from delivery od
        where od.packet_id = ${packet.id} and od.version = ${packet.version}
        and od.contact_id = any(${contactIds}) and od.first_opened_at is not null)`,
      documents: sql<number>`(select count(*)::int from ${document}
        where ${document.packetId} = ${packet.id} and ${inPublishedVersion(packet.version)})`
    })
    .from(packet)
    .innerJoin(packetVersion, currentSnapshot())
    .innerJoin(firm, eq(firm.id, packet.firmId))
    .where(
      and(
        eq(packet.clientId, sql`any(${sql.placeholder('clientIds')}::uuid[])`),
        inArray(packet.status, ['published', 'archived'])
      )
    )
    .orderBy(desc(packetVersion.period), desc(packet.publishedAt), desc(packet.createdAt))
    .prepare('sheaf_inbox_packets');
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
  const memberships = await preparedOnce(db, 'sheaf_inbox_memberships', buildMemberships).execute({
    userId,
    now: now.toISOString()
  });
  if (memberships.length === 0) return { clients: [], packets: [] };
  // Each firm's zone, and its offset from UTC now, once per membership rather than per packet.
  const byClient = new Map(
    memberships.map((m) => {
      const zone = zoneOrUtc(m.timeZone);
      return [m.clientId, { ...m, zone, utcOffset: zoneOffsetMinutes(now, zone) }];
    })
  );
  const packets = await preparedOnce(db, 'sheaf_inbox_packets', buildPackets).execute({
    clientIds: uuidArray([...byClient.keys()]),
    contactIds: uuidArray(memberships.map((m) => m.contactId))
  });
  if (packets.length === 0) {
    return { clients: memberships.map(toClient), packets: [] };
  }

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
        documents: p.documents,
        role: m.role,
        chip: packetState(
          {
            status: p.status,
            approved: p.approved,
            declined: p.declined,
            questionOpen: p.questionOpen,
            // A viewer has nothing due: no "Due soon" nor "Overdue" for them.
            dueAt: m.role === 'viewer' ? null : p.dueAt,
            opened: p.opened
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
