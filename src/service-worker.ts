/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

/** Holds the last copy of client pages; sign-out must delete it with the saved packets. */
const PAGES_CACHE = 'sheaf-pages';

// The app shell: every built script, style, icon and the manifest.
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Pages are server-rendered per user, so none is precached (there is no navigateFallback).
// Client pages go network-first and keep their last copy for a dropped connection; staff pages,
// sign-in links and the API always go to the network.
registerRoute(
  new NavigationRoute(
    new NetworkFirst({
      cacheName: PAGES_CACHE,
      networkTimeoutSeconds: 6,
      plugins: [{ cacheWillUpdate: async ({ response }) => (response.ok ? response : null) }]
    }),
    { allowlist: [/^\/$/, /^\/p(\/|$)/] }
  )
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (event.data?.type === 'CLEAR_PAGES') event.waitUntil(caches.delete(PAGES_CACHE));
});
