// Shared by every blob store: key validation and the errors callers can tell apart.

/**
 * Keys come from newBlobKey(): `ab/<hex id>`, or a document's page-1 picture beside it
 * (`ab/<hex id>.page-1.800.webp`), or the mark that page 1 could not be drawn
 * (`ab/<hex id>.page-1.not-drawn`; see pdf/preview.ts), or a firm logo's size
 * (`ab/<hex id>.<W>x<H>.logo.<height>.png`; see firm/logo-key.ts). Nothing else is accepted, so
 * no key can escape.
 */
const SAFE_KEY =
  /^[a-z0-9]{2}\/[a-z0-9]{8,64}(\.page-1\.(\d{3,4}\.webp|not-drawn)|\.\d{1,5}x\d{1,5}\.logo\.\d{2,3}\.png)?$/;

export class InvalidBlobKeyError extends Error {
  name = 'InvalidBlobKeyError';
}

/** The blob does not exist in the store. */
export class BlobNotFoundError extends Error {
  name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`No blob stored under ${key}`);
  }
}

/** A write failed (disk full, bucket unreachable, ...); nothing was stored under the key. */
export class BlobWriteError extends Error {
  name = 'BlobWriteError';
  constructor(
    readonly key: string,
    readonly reason: string,
    options?: { cause?: unknown }
  ) {
    super(`Could not store blob ${key}: ${reason}`, options);
  }
}

/** The requested byte range lies outside the blob. */
export class BlobRangeError extends Error {
  name = 'BlobRangeError';
}

export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !SAFE_KEY.test(key)) {
    throw new InvalidBlobKeyError(`Invalid blob key: ${JSON.stringify(key)}`);
  }
}

export function assertRange(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new BlobRangeError(`Invalid byte range ${start}-${end}`);
  }
}

/** A readable reason for a filesystem or network error code. */
export function describeWriteError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOSPC') return 'the disk is full (ENOSPC)';
  if (code === 'EDQUOT') return 'the disk quota is exhausted (EDQUOT)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'EROFS') return 'the file system is read-only (EROFS)';
  return error instanceof Error ? error.message : String(error);
}
