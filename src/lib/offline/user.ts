// Whose saved packets this device holds. The key comes from GET /api/session (a hash of the
// user id) and is kept in Cache Storage, where the service worker reads it too.
import { closeDb, closeAll, deleteDb } from './idb';
import { within } from './within';
import {
  CURRENT_USER_URL,
  DB_PREFIX,
  LEGACY_PAGES_CACHE,
  META_CACHE,
  SAVED_CACHE_PREFIX,
  SERVED_USER_URL,
  dbName,
  readNote,
  savedCacheName
} from './names';

const KEY = /^[0-9a-f]{32}$/;
let current: string | null | undefined;

export const offlineSupported = () =>
  typeof window !== 'undefined' && 'caches' in window && 'indexedDB' in window;

/** The key stored on this device (the user last seen signed in), or null. */
export async function storedKey(): Promise<string | null> {
  if (current !== undefined) return current;
  if (!offlineSupported()) return (current = null);
  const key = (await readNote(CURRENT_USER_URL)) ?? '';
  return (current = KEY.test(key) ? key : null);
}

// Bumped by purgeAll: a session check that was under way when the device was purged (the user
// tapped Sign out) must not write the user back into it.
let purges = 0;

async function setStoredKey(key: string | null): Promise<void> {
  current = key;
  const meta = await caches.open(META_CACHE);
  if (key) await meta.put(CURRENT_USER_URL, new Response(key));
  else await meta.delete(CURRENT_USER_URL);
}

/**
 * The stored key, unless the server has answered for someone else (or nobody) since: the
 * service worker notes whom each page was served for (names.ts: SERVED_USER_URL). A second
 * person who has just signed in on this device sees nothing of the first person's saved
 * packets or queue, even before /api/session has answered (offline, or slow).
 */
export async function visibleKey(): Promise<string | null> {
  const key = await storedKey();
  if (!key) return null;
  const served = await readNote(SERVED_USER_URL);
  return served === null || served === key ? key : null;
}

const SESSION_TIMEOUT_MS = 10_000;

export type SessionCheck =
  { state: 'signed-in'; key: string } | { state: 'signed-out' | 'unknown' };

/**
 * Asks the server who is signed in. Signed in: that user's data becomes the one this device
 * shows. Signed out (401: ended elsewhere, expired): the stored user's saved packets and queue
 * are removed. No answer (offline): nothing changes.
 */
export async function checkSession(): Promise<SessionCheck> {
  if (!offlineSupported()) return { state: 'unknown' };
  // Checked before each write: a purge (Sign out) may begin while this check awaits.
  const purged = purges;
  const stillHere = () => purges === purged;
  const servedBefore = await readNote(SERVED_USER_URL).catch(() => null);
  // No answer in time (a connection up but carrying nothing) counts as no answer at all.
  const answer = await within(SESSION_TIMEOUT_MS, async (signal) => {
    const response = await fetch('/api/session', {
      credentials: 'same-origin',
      cache: 'no-store',
      signal
    });
    if (response.status === 401) return 'signed-out' as const;
    return response.ok ? ((await response.json()) as { key?: string }) : null;
  }).catch(() => null);
  if (!stillHere()) return { state: 'unknown' };
  if (answer === 'signed-out') {
    const key = await storedKey();
    if (key) await purgeUser(key);
    await setStoredKey(null);
    return { state: 'signed-out' };
  }
  if (!answer?.key || !KEY.test(answer.key)) return { state: 'unknown' };
  if (answer.key !== (await storedKey()) && stillHere()) {
    await setStoredKey(answer.key).catch(() => {});
  }
  // The server's own word, as good as the worker's note (which a page it did not serve, a
  // reload that bypassed it, never updates), unless the worker has noted a newer one since
  // this question went out. Best effort: a full device must not stop the check.
  const served = await readNote(SERVED_USER_URL).catch(() => null);
  if (served !== answer.key && served === servedBefore && stillHere()) {
    const meta = await caches.open(META_CACHE).catch(() => null);
    // No room to write it (a full phone): drop the stale note instead (a delete needs none), so
    // this person's own copy is not shut to them.
    await meta
      ?.put(SERVED_USER_URL, new Response(answer.key))
      .catch(() => meta.delete(SERVED_USER_URL))
      .catch(() => {});
  }
  return { state: 'signed-in', key: answer.key };
}

/** Removes one user's saved packets and queued actions. */
export async function purgeUser(key: string): Promise<void> {
  await closeDb(key);
  await Promise.all([caches.delete(savedCacheName(key)), deleteDb(dbName(key))]);
}

/** Removes every saved packet, queue and page copy of every user on this device. */
export async function purgeAll(): Promise<void> {
  if (!offlineSupported()) return;
  purges++;
  const known = await storedKey().catch(() => null);
  current = null;
  await closeAll();
  if (known) await deleteDb(dbName(known));
  const names = await caches.keys();
  await Promise.all(
    names
      .filter(
        (n) => n.startsWith(SAVED_CACHE_PREFIX) || n === META_CACHE || n === LEGACY_PAGES_CACHE
      )
      .map((n) => caches.delete(n))
  );
  const dbs = 'databases' in indexedDB ? await indexedDB.databases() : [];
  await Promise.all(dbs.filter((d) => d.name?.startsWith(DB_PREFIX)).map((d) => deleteDb(d.name!)));
}
