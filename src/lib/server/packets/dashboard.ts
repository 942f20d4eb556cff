import { and, asc, desc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contactIsActive } from '../auth/guards';
import { client, clientContact, comment, delivery, packet, user } from '../db/schema';
import { packetState, type PacketState } from '../../format/packet-status';
import {
  approvalCounts,
  currentVersionOf,
  versionApproved,
  versionDeclined
} from '../review/approval';
import { isOpenQuestion } from './needs-reply';

export interface DashboardFilters {
  q?: string;
  period?: string;
  status?: 'draft' | 'published' | 'archived' | 'waiting' | 'approved' | 'declined';
}

export interface PacketSummary {
  id: string;
  title: string;
  period: string;
  status: 'draft' | 'published' | 'archived';
  version: number;
  dueAt: Date | null;
  publishedAt: Date | null;
  clientId: string;
  clientName: string;
  clientCode: string;
  contacts: number;
  sent: number;
  delivered: number;
  opened: number;
  /** Approvers who approved the current version, of `approvers` who can. */
  approved: number;
  approvers: number;
  /** Approved under the firm's rule. */
  isApproved: boolean;
  /** An approver's decline of the current version stands. */
  isDeclined: boolean;
  questions: number;
  bounced: number;
  /** The word staff and the client both read for it. */
  state: PacketState;
}

const n = (expr: ReturnType<typeof sql>) => sql<number>`coalesce((${expr}), 0)::int`;

/** The current version's approvals, over approvers only, and the firm's rule applied to them. */
const tally = approvalCounts(currentVersionOf);
const approvedByRule = versionApproved(
  currentVersionOf,
  sql`(select f.approval_rule from firm f where f.id = ${packet.firmId})`
);
const declinedNow = versionDeclined(currentVersionOf);

/** Contacts with a question staff have not answered yet (any version: it is still open). */
const openQuestionAuthors = n(
  sql`select count(distinct ${comment.authorId}) from ${comment} where ${comment.packetId} = ${packet.id} and ${isOpenQuestion()}`
);

/**
 * The filters as one condition. "Approved": the current version is approved by the firm's
 * rule; "waiting": published and not approved yet (viewers are never waited for), declined or
 * not; "declined": published, an approver's decline of the current version stands, not approved.
 */
function packetFilter(firmId: string, filters: DashboardFilters) {
  const q = filters.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  return and(
    eq(packet.firmId, firmId),
    filters.period ? eq(packet.period, filters.period) : undefined,
    filters.status === 'draft' || filters.status === 'published' || filters.status === 'archived'
      ? eq(packet.status, filters.status)
      : undefined,
    filters.status === 'waiting'
      ? and(eq(packet.status, 'published'), sql`not ${approvedByRule}`)
      : undefined,
    filters.status === 'approved' ? and(eq(packet.status, 'published'), approvedByRule) : undefined,
    filters.status === 'declined'
      ? and(eq(packet.status, 'published'), declinedNow, sql`not ${approvedByRule}`)
      : undefined,
    pattern
      ? or(ilike(client.name, pattern), ilike(client.code, pattern), ilike(packet.title, pattern))
      : undefined
  );
}

/** A packet's state as staff see it: the client's words, packet-wide (no "Not opened yet"). */
export function staffStateOf(
  p: {
    status: PacketSummary['status'];
    isApproved: boolean;
    isDeclined: boolean;
    questions: number;
    dueAt: Date | null;
  },
  now = new Date()
): PacketState {
  return packetState(
    {
      status: p.status,
      approved: p.isApproved,
      declined: p.isDeclined,
      questionOpen: p.questions > 0,
      dueAt: p.dueAt
    },
    now
  );
}

/** The packets of one client, newest period first, each with its state. */
export async function listClientPackets(db: Db, firmId: string, clientId: string) {
  const rows = await db
    .select({
      id: packet.id,
      title: packet.title,
      period: packet.period,
      status: packet.status,
      version: packet.version,
      dueAt: packet.dueAt,
      isApproved: approvedByRule,
      isDeclined: declinedNow,
      questions: openQuestionAuthors
    })
    .from(packet)
    .where(and(eq(packet.clientId, clientId), eq(packet.firmId, firmId)))
    .orderBy(desc(packet.period), desc(packet.createdAt));
  const now = new Date();
  return rows.map(({ isApproved, isDeclined, questions, ...r }) => ({
    ...r,
    state: staffStateOf({ ...r, isApproved, isDeclined, questions }, now)
  }));
}

/** A page of packets with per-version delivery counts, newest period first. */
export async function listPacketSummaries(
  db: Db,
  firmId: string,
  filters: DashboardFilters = {},
  page: { limit?: number; offset?: number } = {}
): Promise<PacketSummary[]> {
  const d = sql`from delivery d where d.packet_id = ${packet.id} and d.version = ${packet.version}`;
  const rows = await db
    .select({
      id: packet.id,
      title: packet.title,
      period: packet.period,
      status: packet.status,
      version: packet.version,
      dueAt: packet.dueAt,
      publishedAt: packet.publishedAt,
      clientId: client.id,
      clientName: client.name,
      clientCode: client.code,
      contacts: n(sql`select count(*) ${d}`),
      sent: n(sql`select count(*) ${d} and d.status in ('sent', 'delivered')`),
      delivered: n(sql`select count(*) ${d} and d.status = 'delivered'`),
      opened: n(sql`select count(*) ${d} and d.first_opened_at is not null`),
      approved: tally.approved,
      approvers: tally.approvers,
      isApproved: approvedByRule,
      isDeclined: declinedNow,
      questions: openQuestionAuthors,
      bounced: n(sql`select count(*) ${d} and d.status in ('bounced', 'failed')`)
    })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .where(packetFilter(firmId, filters))
    .orderBy(desc(packet.period), asc(client.name), desc(packet.createdAt), asc(packet.id))
    .limit(page.limit ?? 100)
    .offset(page.offset ?? 0);
  const now = new Date();
  return rows.map((r) => ({ ...r, state: staffStateOf(r, now) })) as PacketSummary[];
}

/** How many packets the filters match (the pages of listPacketSummaries together). */
export async function countPackets(
  db: Db,
  firmId: string,
  filters: DashboardFilters = {}
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .where(packetFilter(firmId, filters));
  return row.n;
}

export async function listPeriods(db: Db, firmId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ period: packet.period })
    .from(packet)
    .where(eq(packet.firmId, firmId))
    .orderBy(desc(packet.period));
  return rows.map((r) => r.period);
}

/**
 * Contacts who still have access and have not opened the current version of a published packet
 * (viewers too, marked by their role): the oldest mail first, at most `limit` of them, and how many there are in all.
 */
export async function listNotOpened(db: Db, firmId: string, limit = 50) {
  const where = and(
    eq(delivery.firmId, firmId),
    eq(packet.status, 'published'),
    isNull(delivery.firstOpenedAt),
    contactIsActive()
  );
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        deliveryId: delivery.id,
        packetId: packet.id,
        title: packet.title,
        period: packet.period,
        clientName: client.name,
        email: user.email,
        name: clientContact.name,
        role: clientContact.role,
        status: delivery.status,
        sentAt: delivery.createdAt,
        dueAt: packet.dueAt
      })
      .from(delivery)
      .innerJoin(
        packet,
        and(eq(packet.id, delivery.packetId), eq(packet.version, delivery.version))
      )
      .innerJoin(client, eq(client.id, packet.clientId))
      .innerJoin(clientContact, eq(clientContact.id, delivery.contactId))
      .innerJoin(user, eq(user.id, clientContact.userId))
      .where(where)
      .orderBy(asc(delivery.createdAt), asc(delivery.id))
      .limit(limit),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(delivery)
      .innerJoin(
        packet,
        and(eq(packet.id, delivery.packetId), eq(packet.version, delivery.version))
      )
      .innerJoin(clientContact, eq(clientContact.id, delivery.contactId))
      .where(where)
  ]);
  return { rows, total };
}

/** Whether the firm has ever mailed a packet to anyone (else nobody can have opened one). */
export async function hasSentPackets(db: Db, firmId: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(delivery)
    .where(eq(delivery.firmId, firmId))
    .limit(1);
  return rows.length > 0;
}
