// What contacts see of a packet: exactly its published version. Staff uploads, removals and
// edits made since stay staff-only until the next publish (DESIGN.md, "Contacts see only what
// was published"); every contact-facing read goes through these.
import { and, eq, gt, gte, isNull, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { document, packet, packetVersion, type Packet, type PacketVersion } from '../db/schema';

/** The documents of published version `version`: added in 1..version, not removed by it. */
export function inPublishedVersion(version: number | AnyColumn | SQL) {
  return and(
    gte(document.version, 1),
    lte(document.version, version),
    or(isNull(document.removedVersion), gt(document.removedVersion, version))
  );
}

/** Joins a packet to the snapshot of its current version (what its contacts see). */
export const currentSnapshot = () =>
  and(eq(packetVersion.packetId, packet.id), eq(packetVersion.version, packet.version));

type Details = Pick<PacketVersion, 'title' | 'period' | 'note' | 'dueAt'>;

/** The details that differ between two states of a packet: 'title', 'period', 'due date', 'note'. */
export function changedDetails(before: Details, after: Details): string[] {
  return [
    before.title !== after.title && 'title',
    before.period !== after.period && 'period',
    (before.dueAt?.getTime() ?? null) !== (after.dueAt?.getTime() ?? null) && 'due date',
    before.note !== after.note && 'note'
  ].filter((d): d is string => !!d);
}

/** The packet with its details (title, period, note, due date) as they were published. */
export function asPublished(p: Packet, snapshot: Details): Packet {
  return {
    ...p,
    title: snapshot.title,
    period: snapshot.period,
    note: snapshot.note,
    dueAt: snapshot.dueAt
  };
}

/**
 * Freezes the packet's details as the ones contacts see in version `p.version`: publishing does
 * this, and so must anything that makes published packets another way (the demo, benches).
 */
export async function recordPacketVersion(db: Db, p: Packet, publishedBy: string | null) {
  await db.insert(packetVersion).values({
    firmId: p.firmId,
    packetId: p.id,
    version: p.version,
    title: p.title,
    period: p.period,
    note: p.note,
    dueAt: p.dueAt,
    publishedAt: p.publishedAt ?? new Date(),
    publishedBy
  });
}

/** The packet as its contacts see it now (for mails to them): it must have been published. */
export async function publishedPacket(db: Db, p: Packet): Promise<Packet> {
  if (p.version === 0) throw new Error(`packet ${p.id} was never published`);
  const [snapshot] = await db
    .select()
    .from(packetVersion)
    .where(and(eq(packetVersion.packetId, p.id), eq(packetVersion.version, p.version)))
    .limit(1);
  // Every publish writes its snapshot in the same transaction (migration 0004 for older ones).
  if (!snapshot) throw new Error(`packet ${p.id} has no snapshot of version ${p.version}`);
  return asPublished(p, snapshot);
}

/** A document as contacts see it, in the lists of a published version. */
export const documentFields = {
  id: document.id,
  filename: document.filename,
  displayName: document.displayName,
  pages: document.pages,
  bytes: document.bytes,
  pageWidth: document.pageWidth,
  pageHeight: document.pageHeight,
  version: document.version
};

/**
 * The documents of the packet added in versions 1..version, as one JSON text in position order,
 * for a select from `packet` (review/packet-state.ts); versionDocumentsFromJson reads it. The
 * version is an SQL expression (a placeholder).
 */
export const versionDocumentsJson = (version: SQL) => sql<string>`(select coalesce(json_agg(
    json_build_array(${document.id}, ${document.filename}, ${document.displayName},
    ${document.pages}, ${document.bytes}, ${document.pageWidth}, ${document.pageHeight},
    ${document.version}, ${document.removedVersion})
    order by ${document.position}, ${document.createdAt}), '[]')::text
  from ${document} where ${document.packetId} = ${packet.id} and ${document.version} >= 1
    and ${document.version} <= ${version})`;

type DocumentRow = [
  string,
  string,
  string,
  number,
  number,
  number | null,
  number | null,
  number,
  number | null
];

/**
 * What versionDocumentsJson read: the documents of published version `version`, and per version
 * up to it, the names of the documents it added and removed.
 */
export function versionDocumentsFromJson(json: string, version: number) {
  const changes = new Map<number, { added: string[]; removed: string[] }>();
  const at = (v: number) => {
    if (!changes.has(v)) changes.set(v, { added: [], removed: [] });
    return changes.get(v)!;
  };
  const documents = [];
  for (const row of JSON.parse(json) as DocumentRow[]) {
    const [id, filename, displayName, pages, bytes, pageWidth, pageHeight, v, removedVersion] = row;
    const d = { id, filename, displayName, pages, bytes, pageWidth, pageHeight, version: v };
    at(v).added.push(displayName);
    if (removedVersion === null || removedVersion > version) documents.push(d);
    else at(removedVersion).removed.push(displayName);
  }
  return { documents, changes };
}
