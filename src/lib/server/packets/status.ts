import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditEvent, clientContact, delivery, user, type Packet } from '../db/schema';

export interface ContactStatus {
  contactId: string;
  email: string;
  name: string;
  role: 'approver' | 'viewer';
  accessExpiresAt: Date | null;
  deliveryStatus: 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed' | null;
  statusDetail: string | null;
  firstOpenedAt: Date | null;
  lastOpenedAt: Date | null;
  documentsViewed: number;
  decision: 'approve' | 'question' | null;
  decidedAt: Date | null;
  reminders: number;
  lastRemindedAt: Date | null;
}

/** A row per contact of the client for the packet's current version. */
export async function listContactStatus(db: Db, p: Packet): Promise<ContactStatus[]> {
  const rows = await db
    .select({
      contactId: clientContact.id,
      email: user.email,
      name: user.name,
      role: clientContact.role,
      accessExpiresAt: clientContact.accessExpiresAt,
      deliveryStatus: delivery.status,
      statusDetail: delivery.statusDetail,
      firstOpenedAt: delivery.firstOpenedAt,
      lastOpenedAt: delivery.lastOpenedAt,
      reminders: sql<number>`coalesce(${delivery.reminders}, 0)::int`,
      lastRemindedAt: delivery.lastRemindedAt,
      documentsViewed: sql<number>`(select count(*)::int from document_view v join document doc on doc.id = v.document_id where v.contact_id = ${clientContact.id} and doc.packet_id = ${p.id} and doc.removed_at is null)`,
      decision: sql<
        'approve' | 'question' | null
      >`(select x.kind from decision x where x.packet_id = ${p.id} and x.version = ${p.version} and x.contact_id = ${clientContact.id} order by x.at desc limit 1)`,
      decidedAt: sql<
        string | null
      >`(select x.at from decision x where x.packet_id = ${p.id} and x.version = ${p.version} and x.contact_id = ${clientContact.id} order by x.at desc limit 1)`
    })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .leftJoin(
      delivery,
      and(
        eq(delivery.contactId, clientContact.id),
        eq(delivery.packetId, p.id),
        eq(delivery.version, p.version)
      )
    )
    .where(eq(clientContact.clientId, p.clientId))
    .orderBy(asc(user.email));
  return rows.map((r) => ({ ...r, decidedAt: r.decidedAt ? new Date(r.decidedAt) : null }));
}

/** Decisions on earlier versions: kept as history after a republish. */
export async function listEarlierDecisions(db: Db, p: Packet) {
  return db.execute<{ version: number; kind: string; at: string; email: string }>(sql`
    select x.version, x.kind, x.at, u.email from decision x
      join client_contact cc on cc.id = x.contact_id join "user" u on u.id = cc.user_id
     where x.packet_id = ${p.id} and x.version < ${p.version}
     order by x.at desc limit 100`);
}

/** The packet's audit trail, newest first, with actor names. */
export async function listPacketAudit(db: Db, firmId: string, packetId: string) {
  return db
    .select({
      id: auditEvent.id,
      action: auditEvent.action,
      at: auditEvent.at,
      data: auditEvent.data,
      actorName: user.name,
      actorEmail: user.email
    })
    .from(auditEvent)
    .leftJoin(user, eq(user.id, auditEvent.actorId))
    .where(and(eq(auditEvent.firmId, firmId), eq(auditEvent.subject, `packet:${packetId}`)))
    .orderBy(desc(auditEvent.at), desc(auditEvent.id))
    .limit(200);
}
