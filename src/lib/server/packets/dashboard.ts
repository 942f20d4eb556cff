import { and, asc, desc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { client, clientContact, delivery, packet, user } from '../db/schema';

export interface DashboardFilters {
  q?: string;
  period?: string;
  status?: 'draft' | 'published' | 'archived' | 'waiting' | 'approved';
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
  approved: number;
  questions: number;
  bounced: number;
}

const n = (expr: ReturnType<typeof sql>) => sql<number>`coalesce((${expr}), 0)::int`;

/** Packets with per-version delivery counts, newest period first. */
export async function listPacketSummaries(
  db: Db,
  firmId: string,
  filters: DashboardFilters = {},
  limit = 200
): Promise<PacketSummary[]> {
  const q = filters.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  const d = sql`from delivery d where d.packet_id = ${packet.id} and d.version = ${packet.version}`;
  const dec = (kind: string) =>
    sql`select count(distinct x.contact_id) from decision x where x.packet_id = ${packet.id} and x.version = ${packet.version} and x.kind = ${kind}`;
  const approvedExpr = n(dec('approve'));
  const contactsExpr = n(sql`select count(*) ${d}`);
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
      contacts: contactsExpr,
      sent: n(sql`select count(*) ${d} and d.status in ('sent', 'delivered')`),
      delivered: n(sql`select count(*) ${d} and d.status = 'delivered'`),
      opened: n(sql`select count(*) ${d} and d.first_opened_at is not null`),
      approved: approvedExpr,
      questions: n(dec('question')),
      bounced: n(sql`select count(*) ${d} and d.status in ('bounced', 'failed')`)
    })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .where(
      and(
        eq(packet.firmId, firmId),
        filters.period ? eq(packet.period, filters.period) : undefined,
        filters.status === 'draft' ||
          filters.status === 'published' ||
          filters.status === 'archived'
          ? eq(packet.status, filters.status)
          : undefined,
        filters.status === 'waiting'
          ? and(eq(packet.status, 'published'), sql`${approvedExpr} < ${contactsExpr}`)
          : undefined,
        filters.status === 'approved'
          ? and(eq(packet.status, 'published'), sql`${approvedExpr} > 0`)
          : undefined,
        pattern
          ? or(
              ilike(client.name, pattern),
              ilike(client.code, pattern),
              ilike(packet.title, pattern)
            )
          : undefined
      )
    )
    .orderBy(desc(packet.period), asc(client.name), desc(packet.createdAt))
    .limit(limit);
  return rows as PacketSummary[];
}

export async function listPeriods(db: Db, firmId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ period: packet.period })
    .from(packet)
    .where(eq(packet.firmId, firmId))
    .orderBy(desc(packet.period));
  return rows.map((r) => r.period);
}

/** Contacts who have not opened the current version of a published packet, oldest mail first. */
export async function listNotOpened(db: Db, firmId: string, limit = 50) {
  return db
    .select({
      deliveryId: delivery.id,
      packetId: packet.id,
      title: packet.title,
      period: packet.period,
      clientName: client.name,
      email: user.email,
      name: user.name,
      status: delivery.status,
      sentAt: delivery.createdAt,
      dueAt: packet.dueAt
    })
    .from(delivery)
    .innerJoin(packet, and(eq(packet.id, delivery.packetId), eq(packet.version, delivery.version)))
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(clientContact, eq(clientContact.id, delivery.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(
      and(
        eq(delivery.firmId, firmId),
        eq(packet.status, 'published'),
        isNull(delivery.firstOpenedAt)
      )
    )
    .orderBy(asc(delivery.createdAt))
    .limit(limit);
}
