// The offline module in a tab, started once by OfflineRoot in the root layout: it tracks the
// connection, keeps the browser's offer to install the app, and syncs on reconnect. The session
// check, the saved-data refresh (sync.ts) and the worker's registration (register-worker.ts),
// whose install downloads the app for offline use, wait until the page has loaded and the main
// thread is idle: none of them is needed for the page in front of the reader.
import { registerWorker } from './register-worker';
import { keepInstallEvent, offline } from './state.svelte';
import { browserSyncDeps, createSync } from './sync';

/** A load event held up by a stuck subresource is waited for no longer than this. */
export const LOAD_WAIT_MS = 8000;

type Listener = (event: Event) => void;

export interface StartDeps {
  /** The window: 'online', 'offline', 'load', 'beforeinstallprompt'. */
  events: {
    addEventListener(type: string, listener: Listener, options?: { once: boolean }): void;
    removeEventListener(type: string, listener: Listener): void;
  };
  online: () => boolean;
  /** The page has loaded (document.readyState is 'complete'). */
  loaded: () => boolean;
  /** Runs `later` once the main thread is idle. */
  idle: (later: () => void) => void;
  /** The app may register its worker here (a PWA build, a browser with service workers). */
  canRegister: boolean;
  sync: { sync: () => Promise<void>; stop: () => void };
  register: () => Promise<void>;
  keepInstallEvent: (event: Event) => void;
}

/** The browser's; `reload` reloads the page's data once a queued action went (invalidateAll). */
export function browserStartDeps(pwa: boolean, reload: () => Promise<void>): StartDeps {
  return {
    events: window,
    online: () => navigator.onLine,
    loaded: () => document.readyState === 'complete',
    idle: (later) =>
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(later, { timeout: 2000 })
        : setTimeout(later, 200),
    canRegister: pwa && 'serviceWorker' in navigator,
    sync: createSync(browserSyncDeps(reload)),
    register: registerWorker,
    keepInstallEvent
  };
}

/** Starts the offline module; returns what stops it. */
export function startOffline(deps: StartDeps): () => void {
  const { events, sync } = deps;
  offline.online = deps.online();
  const up = () => {
    offline.online = true;
    void sync.sync();
  };
  const down = () => (offline.online = false);
  events.addEventListener('online', up);
  events.addEventListener('offline', down);
  events.addEventListener('beforeinstallprompt', deps.keepInstallEvent);
  let done = false;
  const later = () => {
    if (done) return;
    done = true;
    void sync.sync();
    if (deps.canRegister) void deps.register();
  };
  const whenIdle = () => deps.idle(later);
  const fallback = setTimeout(later, LOAD_WAIT_MS);
  if (deps.loaded()) whenIdle();
  else events.addEventListener('load', whenIdle, { once: true });
  return () => {
    done = true;
    sync.stop();
    clearTimeout(fallback);
    events.removeEventListener('load', whenIdle);
    events.removeEventListener('online', up);
    events.removeEventListener('offline', down);
    events.removeEventListener('beforeinstallprompt', deps.keepInstallEvent);
  };
}
