// Copies every document's blob from one store to another (filesystem -> S3 when a firm grows
// past one machine), verifying each copy by SHA-256 against document.sha256. Safe to re-run: a
// blob already in the target with the right hash is left alone, so an interrupted run resumes.
// Page 1's pictures (`<key>.page-1.<w>.webp`) go along when the source has them, each verified
// by SHA-256 against the source's bytes; one the source lacks is drawn on first view or by
// `pictures:draw`.
import { fileSha256 } from './sha256';
import type { Db } from '../db/client';
import type { document } from '../db/schema';
import { documentPages } from '../packets/documents';
import { PREVIEW_WIDTHS, previewKey } from '../pdf/preview';
import { BlobNotFoundError } from './errors';
import { readBlob, type BlobStore } from './index';

export interface BlobMigrationProblem {
  documentId: string;
  filename: string;
  blobKey: string;
  reason: string;
}

export interface BlobMigrationSummary {
  /** Distinct blobs looked at. */
  total: number;
  copied: number;
  /** Already in the target with the right SHA-256 (an earlier run, or a shared blob). */
  alreadyThere: number;
  copiedBytes: number;
  /** Page-1 pictures copied (those already in the target with the same bytes are not counted). */
  pictures: number;
  problems: BlobMigrationProblem[];
}

async function readIfPresent(store: BlobStore, key: string): Promise<Uint8Array | null> {
  try {
    return await readBlob(store, key);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return null;
    throw error;
  }
}

export async function migrateBlobs(options: {
  db: Db;
  from: BlobStore;
  to: BlobStore;
  /** Only these firms' documents (default: every document). */
  firmIds?: string[];
  /** Blobs copied at once (default 4). */
  concurrency?: number;
  /** Called after each blob; for progress output. */
  onBlob?: (done: number, summary: BlobMigrationSummary) => void;
}): Promise<BlobMigrationSummary> {
  const { db, from, to } = options;
  const summary: BlobMigrationSummary = {
    total: 0,
    copied: 0,
    alreadyThere: 0,
    copiedBytes: 0,
    pictures: 0,
    problems: []
  };
  const seen = new Set<string>();

  async function one(row: typeof document.$inferSelect): Promise<void> {
    const problem = (reason: string) =>
      summary.problems.push({
        documentId: row.id,
        filename: row.filename,
        blobKey: row.blobKey,
        reason
      });
    try {
      const existing = await readIfPresent(to, row.blobKey);
      if (existing && fileSha256(existing) === row.sha256) {
        summary.alreadyThere++;
        await pictures(row, problem);
        return;
      }
      const bytes = await readIfPresent(from, row.blobKey);
      if (!bytes) {
        problem(`missing from the ${from.kind} store`);
        return;
      }
      if (fileSha256(bytes) !== row.sha256) {
        problem(`the ${from.kind} copy does not match its SHA-256 (damaged); not copied`);
        return;
      }
      await to.put(row.blobKey, bytes);
      const copy = await readIfPresent(to, row.blobKey);
      if (!copy || fileSha256(copy) !== row.sha256) {
        problem(`the ${to.kind} copy did not verify after writing; run again`);
        return;
      }
      summary.copied++;
      summary.copiedBytes += bytes.byteLength;
      await pictures(row, problem);
    } catch (error) {
      problem(error instanceof Error ? error.message : String(error));
    }
  }

  /** Copies the document's page-1 pictures the source has and the target lacks or differs on. */
  async function pictures(row: typeof document.$inferSelect, problem: (reason: string) => void) {
    for (const width of PREVIEW_WIDTHS) {
      const key = previewKey(row.blobKey, width);
      const bytes = await readIfPresent(from, key);
      if (!bytes) continue;
      const hash = fileSha256(bytes);
      const existing = await readIfPresent(to, key);
      if (existing && fileSha256(existing) === hash) continue;
      await to.put(key, bytes);
      const copy = await readIfPresent(to, key);
      if (!copy || fileSha256(copy) !== hash) {
        problem(`page 1's ${width} px picture did not verify in the ${to.kind} store; run again`);
        return;
      }
      summary.pictures++;
    }
  }

  let done = 0;
  for await (const rows of documentPages(db, { firmIds: options.firmIds })) {
    const todo = rows.filter((row) => !seen.has(row.blobKey));
    for (const row of todo) seen.add(row.blobKey);
    summary.total += todo.length;
    let next = 0;
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      while (next < todo.length) {
        await one(todo[next++]);
        options.onBlob?.(++done, summary);
      }
    });
    await Promise.all(workers);
  }
  return summary;
}
