import { createHash } from 'node:crypto';

/** A document's fingerprint: the SHA-256 of its bytes, hex. Stored at upload, never recomputed. */
export function fileSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
