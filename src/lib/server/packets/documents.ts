import { fileSha256 } from '../storage/sha256';
import { displayNameOf } from '$lib/format/names';
import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { document, packet, type Document, type Packet } from '../db/schema';
import { getBlobStore, newBlobKey } from '../storage';
import type { BlobWriteError } from '../storage/errors';
import { validatePdf } from '../pdf/validate';
import { deletePreviews, ensurePreviews } from '../pdf/preview';
import { recordAudit } from '../audit';

export type AddDocumentResult =
  | { ok: true; document: Document }
  | { ok: false; reason: string; status: 400 | 409 | 413 | 503 | 507 };

export const MAX_DOCUMENTS = 50;

/** Strips any path and control characters; keeps the name the firm gave the file. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const kept = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  // 200 characters, never half of one (an emoji is two UTF-16 units).
  const cleaned = [...kept].slice(0, 200).join('').trim();
  return cleaned || 'document.pdf';
}

/**
 * Validates a PDF and, only when it passes, stores the blob and adds it at the end of the
 * packet. A bad file stores nothing; a failed insert removes the blob it wrote.
 */
export async function addPacketDocument(
  db: Db,
  input: { packet: Packet; filename: string; bytes: Uint8Array; maxBytes: number; actorId: string }
): Promise<AddDocumentResult> {
  const filename = cleanFilename(input.filename);
  if (input.packet.status === 'archived') {
    return { ok: false, status: 409, reason: 'This packet is archived.' };
  }
  if (input.bytes.byteLength > input.maxBytes) {
    const check = await validatePdf(input.bytes, filename, input.maxBytes);
    return { ok: false, status: 413, reason: check.ok ? 'Too large.' : check.reason };
  }
  const check = await validatePdf(input.bytes, filename, input.maxBytes);
  if (!check.ok) return { ok: false, status: 400, reason: check.reason };

  const blobKey = newBlobKey();
  const sha256 = fileSha256(input.bytes);
  try {
    await getBlobStore().put(blobKey, input.bytes);
  } catch (error) {
    // The disk full, S3 refusing: a clear answer rather than a 500; the store leaves no partial
    // blob behind and no document row was made.
    // By name, not instanceof: a store built by another copy of the module (tests) still counts.
    if ((error as Error | null)?.name !== 'BlobWriteError') throw error;
    const { message, reason } = error as BlobWriteError;
    console.error(`[storage] ${message}`);
    const full = /ENOSPC|EDQUOT/.test(reason);
    return {
      ok: false,
      status: full ? 507 : 503,
      reason: `"${filename}" could not be saved: ${full ? 'the server’s storage is full' : 'storage is unavailable'}. Nothing was added to the packet; please try again later or tell your administrator.`
    };
  }
  try {
    const row = await db.transaction(async (tx) => {
      // Serialises concurrent uploads to one packet so positions stay distinct.
      await tx
        .select({ id: packet.id })
        .from(packet)
        .where(eq(packet.id, input.packet.id))
        .for('update');
      const [{ n, next }] = await tx
        .select({
          n: sql<number>`count(*)::int`,
          next: sql<number>`coalesce(max(${document.position}) + 1, 0)::int`
        })
        .from(document)
        .where(and(eq(document.packetId, input.packet.id), isNull(document.removedAt)));
      if (n >= MAX_DOCUMENTS) return null;
      const [inserted] = await tx
        .insert(document)
        .values({
          firmId: input.packet.firmId,
          packetId: input.packet.id,
          version: 0,
          filename,
          displayName: displayNameOf(filename),
          blobKey,
          bytes: input.bytes.byteLength,
          sha256,
          pages: check.pages,
          pageWidth: check.size.width,
          pageHeight: check.size.height,
          position: next
        })
        .returning();
      await recordAudit(tx, {
        action: 'document.added',
        firmId: input.packet.firmId,
        actorId: input.actorId,
        subject: `packet:${input.packet.id}`,
        data: {
          documentId: inserted.id,
          filename,
          pages: check.pages,
          bytes: input.bytes.byteLength
        }
      });
      return inserted;
    });
    if (!row) {
      await getBlobStore().delete(blobKey);
      return {
        ok: false,
        status: 409,
        reason: `A packet holds at most ${MAX_DOCUMENTS} documents.`
      };
    }
    // Page 1's pictures are drawn now, in the background, so the first client to open the
    // document sees it at once; the picture route draws them itself if this has not finished.
    void ensurePreviews(blobKey);
    return { ok: true, document: row };
  } catch (error) {
    await getBlobStore()
      .delete(blobKey)
      .catch(() => {});
    throw error;
  }
}

/**
 * Removes a document. One never published is deleted with its blob; one clients have seen is
 * marked removed (kept for the history) and drops out at the next publish.
 */
export async function removePacketDocument(
  db: Db,
  p: Packet,
  documentId: string,
  actorId: string
): Promise<boolean> {
  const row = await db.transaction(async (tx) => {
    // Serialised with publishing (which locks the packet too): a removal lands wholly before
    // or after a publish, never between its document count and its staged removals.
    await tx.select({ id: packet.id }).from(packet).where(eq(packet.id, p.id)).for('update');
    const [found] = await tx
      .select()
      .from(document)
      .where(
        and(eq(document.id, documentId), eq(document.packetId, p.id), isNull(document.removedAt))
      );
    if (!found) return null;
    if (found.version === 0) await tx.delete(document).where(eq(document.id, found.id));
    else await tx.update(document).set({ removedAt: new Date() }).where(eq(document.id, found.id));
    await recordAudit(tx, {
      action: 'document.removed',
      firmId: p.firmId,
      actorId,
      subject: `packet:${p.id}`,
      data: { documentId: found.id, filename: found.filename }
    });
    return found;
  });
  if (!row) return false;
  if (row.version === 0) {
    await getBlobStore()
      .delete(row.blobKey)
      .catch(() => {});
    await deletePreviews(row.blobKey);
  }
  return true;
}

export type KeepDocumentResult =
  { ok: true; displayName: string } | { ok: false; status: 404 | 409; message: string };

/**
 * Takes back a removal not yet published: the document stays in the packet, at the end. Under
 * the same rules as an upload (not archived, at most MAX_DOCUMENTS) and the packet's lock.
 */
export async function keepPacketDocument(
  db: Db,
  p: Packet,
  documentId: string,
  actorId: string
): Promise<KeepDocumentResult> {
  if (p.status === 'archived') {
    return { ok: false, status: 409, message: 'This packet is archived.' };
  }
  return db.transaction(async (tx) => {
    await tx.select({ id: packet.id }).from(packet).where(eq(packet.id, p.id)).for('update');
    const [row] = await tx
      .select()
      .from(document)
      .where(
        and(
          eq(document.id, documentId),
          eq(document.packetId, p.id),
          isNotNull(document.removedAt),
          isNull(document.removedVersion)
        )
      );
    if (!row) return { ok: false, status: 404, message: 'Not found.' };
    const [{ n, next }] = await tx
      .select({
        n: sql<number>`count(*)::int`,
        next: sql<number>`coalesce(max(${document.position}) + 1, 0)::int`
      })
      .from(document)
      .where(and(eq(document.packetId, p.id), isNull(document.removedAt)));
    if (n >= MAX_DOCUMENTS) {
      return {
        ok: false,
        status: 409,
        message: `A packet holds at most ${MAX_DOCUMENTS} documents.`
      };
    }
    await tx
      .update(document)
      .set({ removedAt: null, position: next })
      .where(eq(document.id, row.id));
    await recordAudit(tx, {
      action: 'document.kept',
      firmId: p.firmId,
      actorId,
      subject: `packet:${p.id}`,
      data: { documentId: row.id, filename: row.filename }
    });
    return { ok: true, displayName: row.displayName };
  });
}

/** Moves a document one place up or down, on the packet's audit trail. */
export async function moveDocument(
  db: Db,
  p: Packet,
  documentId: string,
  direction: 'up' | 'down',
  actorId: string
): Promise<'moved' | 'not-found' | 'at-edge'> {
  return db.transaction(async (tx) => {
    const docs = await tx
      .select({ id: document.id, filename: document.filename })
      .from(document)
      .where(and(eq(document.packetId, p.id), isNull(document.removedAt)))
      .orderBy(document.position, document.createdAt)
      .for('update');
    const i = docs.findIndex((d) => d.id === documentId);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (i < 0) return 'not-found';
    if (j < 0 || j >= docs.length) return 'at-edge';
    [docs[i], docs[j]] = [docs[j], docs[i]];
    for (const [position, d] of docs.entries()) {
      await tx.update(document).set({ position }).where(eq(document.id, d.id));
    }
    await tx.update(packet).set({ updatedAt: new Date() }).where(eq(packet.id, p.id));
    await recordAudit(tx, {
      action: 'document.moved',
      firmId: p.firmId,
      actorId,
      subject: `packet:${p.id}`,
      data: { documentId, filename: docs[j].filename, direction, position: j + 1 }
    });
    return 'moved';
  });
}

/**
 * Gives a current document of the packet a new display name. A label, not content: contacts see
 * it at once, without a publish, and the file and its SHA-256 stay as they were.
 */
export async function renameDocument(
  db: Db,
  p: Packet,
  documentId: string,
  displayName: string,
  actorId: string
): Promise<{ from: string; to: string } | null> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ id: document.id, filename: document.filename, displayName: document.displayName })
      .from(document)
      .where(
        and(eq(document.id, documentId), eq(document.packetId, p.id), isNull(document.removedAt))
      )
      .for('update');
    if (!found) return null;
    const renamed = { from: found.displayName, to: displayName };
    if (found.displayName === displayName) return renamed;
    await tx.update(document).set({ displayName }).where(eq(document.id, found.id));
    await tx.update(packet).set({ updatedAt: new Date() }).where(eq(packet.id, p.id));
    await recordAudit(tx, {
      action: 'document.renamed',
      firmId: p.firmId,
      actorId,
      subject: `packet:${p.id}`,
      data: { documentId, filename: found.filename, ...renamed }
    });
    return renamed;
  });
}

/** A document of this packet (removed ones included, for the history), or null. */
export async function getPacketDocument(db: Db, packetId: string, documentId: string) {
  const [row] = await db
    .select()
    .from(document)
    .where(and(eq(document.id, documentId), eq(document.packetId, packetId)));
  return row ?? null;
}

/**
 * Every document (or only current ones: not removed), optionally of some firms, in pages of
 * `size` by id: documents added while a long job walks them are picked up or left to a re-run.
 */
export async function* documentPages(
  db: Db,
  options: { firmIds?: string[]; currentOnly?: boolean; size?: number } = {}
): AsyncGenerator<Document[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await db
      .select()
      .from(document)
      .where(
        and(
          after ? gt(document.id, after) : undefined,
          options.firmIds ? inArray(document.firmId, options.firmIds) : undefined,
          // Current: in the published version or the next (a removal counts once published).
          options.currentOnly ? isNull(document.removedVersion) : undefined
        )
      )
      .orderBy(asc(document.id))
      .limit(options.size ?? 200);
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    yield rows;
  }
}
