import { createHash } from 'node:crypto';

/**
 * The name a browser files a user's saved packets under (Cache Storage and IndexedDB names).
 * A one-way hash, so the names on a shared device do not reveal who signed in there.
 */
export function offlineKey(userId: string): string {
  return createHash('sha256').update(`sheaf-offline:${userId}`).digest('hex').slice(0, 32);
}
