import { and, asc, eq, isNotNull, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { client, document, packet, type Packet } from '../db/schema';
import { changedDetails, publishedPacket } from '../review/published';

export interface PacketInput {
  clientId: string;
  title: string;
  period: string;
  note: string;
  dueAt: Date | null;
}

/** The firm's packet with its client, or null for another firm's or a missing id. */
/** The packet fields a page shows (staff and client alike); nothing internal. */
export function packetSummary(p: Packet) {
  return {
    id: p.id,
    title: p.title,
    period: p.period,
    note: p.note,
    dueAt: p.dueAt,
    status: p.status,
    version: p.version,
    publishedAt: p.publishedAt
  };
}

export async function getPacket(db: Db, firmId: string, packetId: string) {
  const [row] = await db
    .select({ packet, client })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .where(and(eq(packet.id, packetId), eq(packet.firmId, firmId)));
  return row ?? null;
}

export async function createPacket(
  db: Db,
  firmId: string,
  actorId: string,
  input: PacketInput
): Promise<Packet> {
  const [row] = await db
    .insert(packet)
    .values({ firmId, createdBy: actorId, status: 'draft', version: 0, ...input })
    .returning();
  return row;
}

/** Edits the details; a published packet keeps its status and gets the change on next publish. */
export async function updatePacket(
  db: Db,
  firmId: string,
  packetId: string,
  input: Omit<PacketInput, 'clientId'>
): Promise<Packet | null> {
  const [row] = await db
    .update(packet)
    .set({ ...input, updatedAt: new Date() })
    .where(and(eq(packet.id, packetId), eq(packet.firmId, firmId)))
    .returning();
  return row ?? null;
}

/** Current documents in order (removed ones are left out). */
export async function listDocuments(db: Db, packetId: string) {
  return db
    .select()
    .from(document)
    .where(and(eq(document.packetId, packetId), isNull(document.removedAt)))
    .orderBy(asc(document.position), asc(document.createdAt));
}

export interface UnpublishedChanges {
  /** Whether publishing now would change what contacts see (always, before the first publish). */
  any: boolean;
  /** Details edited since the last publish: 'title', 'period', 'due date', 'note'. */
  details: string[];
  /** File names uploaded since the last publish. */
  added: string[];
  /** Documents removed since the last publish, which contacts see until the next one. */
  removed: { id: string; displayName: string }[];
}

/** What staff have changed since the last publish: what contacts do not see yet. */
export async function listUnpublishedChanges(db: Db, p: Packet): Promise<UnpublishedChanges> {
  const [docs, shown] = await Promise.all([
    db
      .select({
        id: document.id,
        displayName: document.displayName,
        version: document.version,
        removedAt: document.removedAt
      })
      .from(document)
      .where(
        and(
          eq(document.packetId, p.id),
          or(
            and(eq(document.version, 0), isNull(document.removedAt)),
            and(isNotNull(document.removedAt), isNull(document.removedVersion))
          )
        )
      )
      .orderBy(asc(document.position), asc(document.createdAt)),
    p.version > 0 ? publishedPacket(db, p) : p
  ]);
  const added = docs.filter((d) => !d.removedAt).map((d) => d.displayName);
  const removed = docs
    .filter((d) => d.removedAt)
    .map(({ id, displayName }) => ({ id, displayName }));
  const details = p.version === 0 ? [] : changedDetails(shown, p);
  return {
    any: p.version === 0 || details.length + added.length + removed.length > 0,
    details,
    added,
    removed
  };
}

/** Archives a packet (no reminders, hidden from the default lists) or restores it. */
export async function setPacketArchived(db: Db, p: Packet, archived: boolean): Promise<Packet> {
  const status = archived ? 'archived' : p.version > 0 ? 'published' : 'draft';
  const [row] = await db.update(packet).set({ status }).where(eq(packet.id, p.id)).returning();
  return row;
}
