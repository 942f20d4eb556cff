/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, type RouteHandlerCallbackOptions } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import {
  CLIENT_DATA_PATH,
  CURRENT_USER_URL,
  LEGACY_PAGES_CACHE,
  META_CACHE,
  SERVED_USER_URL,
  USER_HEADER,
  VIEWER_ASSETS_CACHE,
  readNote,
  savedCacheName
} from './lib/offline/names';
import { parseRange } from './lib/format/byte-range';
import { appPath, readPushNotice } from './lib/push/notice';
import { deviceLocale, notePageLocale } from './lib/offline/page-locale';
import { offlinePageHtml } from './lib/offline/offline-page';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// The app shell: every built script, style, icon and the manifest.
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// pdf.js and its worker (.mjs, content-hashed) are kept once fetched: saved packets need them.
registerRoute(
  ({ url }) =>
    url.origin === self.location.origin && /^\/_app\/immutable\/.+\.mjs$/.test(url.pathname),
  new CacheFirst({ cacheName: VIEWER_ASSETS_CACHE })
);

/**
 * The saved-packets cache of the user this device last saw signed in, if any, and only while
 * the server's latest answer was for that same person: once a second person has signed in (or
 * the session ended), the first person's copy stays shut, even before the app has caught up.
 */
async function currentSavedCache(): Promise<Cache | null> {
  const key = (await readNote(CURRENT_USER_URL)) ?? '';
  if (!/^[0-9a-f]{32}$/.test(key)) return null;
  const served = await readNote(SERVED_USER_URL);
  if (served !== null && served !== key) return null;
  const name = savedCacheName(key);
  return (await caches.has(name)) ? caches.open(name) : null;
}

// One note at a time, in the order the answers came: an older answer never overwrites a newer.
let noting: Promise<unknown> = Promise.resolve();

/** Notes whom the server just answered for (USER_HEADER), when that changed. */
function noteServedUser(response: Response): Promise<unknown> {
  const served = response.headers.get(USER_HEADER);
  if (!served || !/^([0-9a-f]{32}|-)$/.test(served)) return noting;
  noting = noting.then(() => writeServedUser(served)).catch(() => {});
  return noting;
}

async function writeServedUser(served: string): Promise<void> {
  if ((await readNote(SERVED_USER_URL)) === served) return;
  const meta = await caches.open(META_CACHE);
  try {
    await meta.put(SERVED_USER_URL, new Response(served));
  } catch (error) {
    // No room for the note (a phone full of saved PDFs); a delete needs none. Someone else's
    // answer: shut the current copy (the app's next check sets it again). The current person's
    // own: drop the stale note, so their copy is not shut to them.
    const current = await readNote(CURRENT_USER_URL);
    await meta.delete(current === served ? SERVED_USER_URL : CURRENT_USER_URL);
    throw error;
  }
}

/**
 * A saved copy of the request, for the current user only. PDFs answer Range requests as the
 * file route does (parseRange): 206, 416 past the end, the whole file for a range it ignores.
 */
async function fromSaved(request: Request, url: URL): Promise<Response | null> {
  const cache = await currentSavedCache();
  if (!cache) return null;
  // Saved under the bare path: __data.json carries ?x-sveltekit-invalidated=..., files ?download=1.
  const saved = await cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true });
  if (!saved) return null;
  const range = request.headers.get('range');
  if (!range || !url.pathname.startsWith('/api/files/')) return saved;
  const body = await saved.blob();
  const r = parseRange(range, body.size);
  // The body is read already: the whole file goes back in a response of its own.
  if (r.kind === 'full') return new Response(body, { headers: saved.headers });
  if (r.kind === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { 'Content-Range': `bytes */${body.size}` }
    });
  }
  return new Response(body.slice(r.start, r.end + 1), {
    status: 206,
    headers: {
      'Content-Type': saved.headers.get('content-type') ?? 'application/pdf',
      'Content-Length': String(r.end - r.start + 1),
      'Content-Range': `bytes ${r.start}-${r.end}/${body.size}`,
      'Accept-Ranges': 'bytes'
    }
  });
}

async function offlinePage(url: URL): Promise<Response> {
  const locale = await deviceLocale(navigator.languages);
  return new Response(offlinePageHtml(url.pathname, locale), {
    status: 503,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': locale,
      'Cache-Control': 'no-store'
    }
  });
}

// Everything the portal reads goes to the network first. When the network fails, a packet the
// current user saved answers from Cache Storage; any other page gets the offline page, in the
// language of the last page an answer came in (page-locale.ts).
// Pages are server-rendered per user, so none is precached and nothing else is kept.
registerRoute(
  ({ url, request }) =>
    url.origin === self.location.origin &&
    (request.mode === 'navigate' || CLIENT_DATA_PATH.test(url.pathname)),
  async ({ request, url, event }: RouteHandlerCallbackOptions) => {
    try {
      const response = await fetch(request);
      (event as ExtendableEvent).waitUntil(
        Promise.all([noteServedUser(response), notePageLocale(response).catch(() => {})])
      );
      return response;
    } catch (error) {
      if (CLIENT_DATA_PATH.test(url.pathname)) {
        const saved = await fromSaved(request, url).catch(() => null);
        if (saved) return saved;
      }
      if (request.mode === 'navigate') return offlinePage(url);
      throw error;
    }
  }
);

self.addEventListener('activate', (event) => {
  // Earlier versions kept a page cache shared by every user of the device.
  event.waitUntil(caches.delete(LEGACY_PAGES_CACHE));
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (event.data?.type === 'CLEAR_PAGES') event.waitUntil(caches.delete(LEGACY_PAGES_CACHE));
});

// Web Push: the server's notice (title, body, a path in this app), shown as sent. A tap opens
// that path in a window of this app: the one already there when there is one.
// A push it cannot read gets the fallback notice in the device's language.
self.addEventListener('push', (event) => {
  const data = event.data?.text();
  event.waitUntil(
    deviceLocale(navigator.languages).then((locale) => {
      const notice = readPushNotice(data, self.location.origin, locale);
      return self.registration.showNotification(notice.title, {
        body: notice.body,
        tag: notice.tag,
        data: { url: notice.url },
        icon: '/icons/icon-192.png',
        badge: '/icons/icon-192.png'
      });
    })
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = appPath(event.notification.data?.url, self.location.origin) ?? '/p';
  event.waitUntil(openAppAt(new URL(path, self.location.origin).href));
});

async function openAppAt(url: string): Promise<unknown> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const here = windows.filter((w) => new URL(w.url).origin === self.location.origin);
  const open = here.find((w) => w.url === url) ?? here.find((w) => 'navigate' in w);
  if (open) {
    // Navigate first: focus() may be refused, and the page must still change.
    const shown = open.url === url ? open : await open.navigate(url).catch(() => null);
    if (shown) return shown.focus().catch(() => shown);
  }
  return self.clients.openWindow(url);
}
