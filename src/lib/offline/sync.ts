// Keeping this device's saved data in step with the session: on load and on reconnect, ask the
// server who is signed in (user.ts), send what waited in the queue (replay.ts), reread what is
// saved. While online with something still waiting, it tries again: 30 s, doubling to 5 minutes.
import { replayDeps, replayQueue } from './replay';
import { offline, refreshOffline } from './state.svelte';
import { checkSession, offlineSupported, storedKey, type SessionCheck } from './user';

export const RETRY_MS = 30_000;
export const MAX_RETRY_MS = 10 * RETRY_MS;

export interface SyncDeps {
  supported: () => boolean;
  online: () => boolean;
  /** On a client page (/p...), where a session to check is likely even with no stored user. */
  onClientPage: () => boolean;
  storedKey: () => Promise<string | null>;
  checkSession: () => Promise<SessionCheck>;
  replay: () => Promise<unknown>;
  /** Rereads saved packets and the queue into the offline state. */
  refresh: () => Promise<void>;
  /** How many actions still wait in the queue (after refresh). */
  waiting: () => number;
}

/** The browser's: `reload` reloads the page's data once something was sent (invalidateAll). */
export function browserSyncDeps(reload: () => Promise<void>): SyncDeps {
  return {
    supported: offlineSupported,
    online: () => navigator.onLine,
    onClientPage: () => location.pathname === '/p' || location.pathname.startsWith('/p/'),
    storedKey,
    checkSession,
    replay: () => replayQueue(replayDeps(reload)),
    refresh: refreshOffline,
    waiting: () => offline.pending.length
  };
}

/** One tab's sync: `sync()` on load and on each reconnect; `stop()` when the page goes. */
export function createSync(deps: SyncDeps) {
  let retry: ReturnType<typeof setTimeout> | undefined;
  let retryMs = RETRY_MS;
  let stopped = false;

  async function sync(): Promise<void> {
    if (!deps.supported()) return;
    clearTimeout(retry);
    try {
      if (deps.online() && (deps.onClientPage() || (await deps.storedKey()))) {
        const session = await deps.checkSession();
        if (session.state === 'signed-in') await deps.replay();
      }
      await deps.refresh();
    } finally {
      // Online, yet something is still waiting (the server was slow or out of reach): try
      // again in a while rather than only at the next "online" event, which may never come.
      clearTimeout(retry);
      if (!stopped && deps.online() && deps.waiting()) {
        retry = setTimeout(() => void sync(), retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      } else retryMs = RETRY_MS;
    }
  }

  return {
    sync,
    stop(): void {
      stopped = true;
      clearTimeout(retry);
    }
  };
}
