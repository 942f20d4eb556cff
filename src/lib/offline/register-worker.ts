// The service worker (src/service-worker.ts): registered once the page is idle, so its install
// downloads the app for offline use; a new version, once installed and waiting, is offered as a
// reload (offline.updateReady, reloadToUpdate in state.svelte.ts).
import { offline, setUpdater } from './state.svelte';

type Listener = (event: Event) => void;

/** The parts of the browser registering uses; the browser's by default. */
export interface WorkerHost {
  container: {
    register: ServiceWorkerContainer['register'];
    readonly controller: ServiceWorker | null;
    addEventListener(
      type: 'controllerchange',
      listener: Listener,
      options?: { once: boolean }
    ): void;
  };
  /** Where the page says it became visible again ('visibilitychange'). */
  document: { readonly visibilityState: string; addEventListener(type: string, l: Listener): void };
  online: () => boolean;
  reload: () => void;
}

const browserHost = (): WorkerHost => ({
  container: navigator.serviceWorker,
  document,
  online: () => navigator.onLine,
  reload: () => location.reload()
});

/**
 * Registers the worker at the root (from any page: a relative URL would resolve under /p/...),
 * and offers a reload when a new version is installed and waiting.
 */
export async function registerWorker(host: WorkerHost = browserHost()): Promise<void> {
  const { container } = host;
  const reg = await container
    .register('/service-worker.js', { scope: '/', type: 'classic' })
    .catch(() => null);
  if (!reg) return;
  const waiting = (worker: ServiceWorker) => {
    offline.updateReady = true;
    setUpdater(async () => {
      container.addEventListener('controllerchange', () => host.reload(), { once: true });
      (reg.waiting ?? worker).postMessage({ type: 'SKIP_WAITING' });
    });
  };
  // Only with a controller: the first install is not an update.
  if (reg.waiting && container.controller) waiting(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && container.controller) waiting(worker);
    });
  });
  // An app left open for days still hears about new versions.
  host.document.addEventListener('visibilitychange', () => {
    if (host.document.visibilityState === 'visible' && host.online())
      void reg.update().catch(() => {});
  });
}
