// Names shared by the pages and the service worker. Every saved packet lives under its user's
// offline key (a hash of the user id from GET /api/session), so two people on one device never
// see each other's packets: the service worker answers only from the current user's cache.

/** Cache Storage: one cache per user holding saved pages, their data and PDFs. */
export const SAVED_CACHE_PREFIX = 'sheaf-saved-';
/** IndexedDB: one database per user with saved-packet metadata and the outgoing queue. */
export const DB_PREFIX = 'sheaf-offline-';
/** Cache Storage: which user's saved packets this device may show (read by the worker). */
export const META_CACHE = 'sheaf-offline-meta';
export const CURRENT_USER_URL = '/__sheaf/offline-user';
/**
 * Cache Storage (META_CACHE): whom the server last said was signed in, from the USER_HEADER of a
 * response the worker fetched. The worker answers from a saved copy only when it is the same
 * person as CURRENT_USER_URL, so the moment a second person signs in, the first person's copy is
 * closed to them, before the app has asked /api/session.
 */
export const SERVED_USER_URL = '/__sheaf/served-user';
/**
 * Cache Storage (META_CACHE): the language of the last page this device was shown (its
 * Content-Language), for what the worker says on its own: it has no request to ask.
 */
export const PAGE_LOCALE_URL = '/__sheaf/page-locale';
/** On pages, their data and files: the signed-in user's offline key, or '-' for nobody. */
export const USER_HEADER = 'x-sheaf-user';
/** The paths the worker answers from saved copies when the network fails. */
export const CLIENT_DATA_PATH = /^\/(p(\/|$)|api\/files\/)/;
/** pdf.js and its worker (not user data; immutable, content-hashed). */
export const VIEWER_ASSETS_CACHE = 'sheaf-viewer-assets';
/** The network-first page cache earlier versions kept for every user; removed on sign-out. */
export const LEGACY_PAGES_CACHE = 'sheaf-pages';

/**
 * A note in META_CACHE (CURRENT_USER_URL, SERVED_USER_URL), read by the pages and the worker
 * alike, without creating the cache: after a purge it stays gone.
 */
export async function readNote(url: string): Promise<string | null> {
  const entry = await caches.match(url, { cacheName: META_CACHE });
  return entry ? (await entry.text()).trim() : null;
}

export const savedCacheName = (key: string) => `${SAVED_CACHE_PREFIX}${key}`;
export const dbName = (key: string) => `${DB_PREFIX}${key}`;
