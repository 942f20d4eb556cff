// A form whose action may wait for the connection (a question, an approval) calls this from its
// own use:enhance callback: with no connection, its fields go into the queue (queue.ts) and go
// out on reconnect; the form then acts as if sent (clears itself, closes its sheet). Once one
// went through online, the form calls refreshSavedCopy.
import { showToast } from '$lib/components/ui/toast.svelte';
import { enqueue, type QueuedAction } from './queue';
import { refreshSavedPages } from './saved';
import { isSaved, offline, refreshOffline } from './state.svelte';
import { m } from '../paraglide/messages.js';

export interface OfflineSubmit {
  kind: QueuedAction['kind'];
  packetId: string;
  packetTitle: string;
  /** The page the form is on: the action is posted there on reconnect. */
  path: string;
  formData: FormData;
}

/** The packet page a form is on, as SvelteKit's `page` (from $app/state) describes it. */
export interface PacketPage {
  params: { packetId?: string };
  data: { packet?: { title?: unknown } | null };
  url: URL;
}

/** A form's submit on a packet page (or its viewer), as queueIfOffline takes it. */
export function packetSubmit(
  kind: QueuedAction['kind'],
  page: PacketPage,
  formData: FormData
): OfflineSubmit {
  return {
    kind,
    packetId: page.params.packetId ?? '',
    packetTitle: String(page.data.packet?.title ?? ''),
    path: page.url.pathname,
    formData
  };
}

export interface QueueDeps {
  online: () => boolean;
  enqueue: (action: Omit<QueuedAction, 'createdAt'>) => Promise<boolean>;
  refresh: () => Promise<void>;
  toast: typeof showToast;
  newId: () => string;
}

/** An id for a form post, so a replayed submission is recorded once (see queue.ts). */
export function newRequestId(): string {
  return crypto.randomUUID();
}

const browserDeps: QueueDeps = {
  online: () => navigator.onLine,
  enqueue,
  refresh: refreshOffline,
  toast: showToast,
  newId: newRequestId
};

const WAITS = {
  approve: () => m.offline_wait_approve(),
  ask: () => m.offline_wait_ask()
} as const;

/**
 * 'online': the form goes as usual. 'queued': it waits in the queue (the reader was told).
 * 'not-queued': offline and the queue took nothing (no signed-in user on this device); the
 * reader was told to try again online. Either offline answer means: cancel the submit.
 */
export async function queueIfOffline(
  submit: OfflineSubmit,
  deps: QueueDeps = browserDeps
): Promise<'online' | 'queued' | 'not-queued'> {
  if (deps.online()) return 'online';
  const fields = [...submit.formData].filter(
    (e): e is [string, string] => typeof e[1] === 'string'
  );
  const requestId = fields.find(([n]) => n === 'requestId')?.[1] || deps.newId();
  const queued = await deps
    .enqueue({
      requestId,
      packetId: submit.packetId,
      packetTitle: submit.packetTitle,
      kind: submit.kind,
      path: submit.path,
      fields
    })
    .catch(() => false);
  if (!queued) {
    deps.toast(m.offline_try_later(), 'bad', 6000);
    return 'not-queued';
  }
  await deps.refresh();
  deps.toast(WAITS[submit.kind](), 'info', 6000);
  return 'queued';
}

export interface SavedCopyDeps {
  online: () => boolean;
  isSaved: (packetId: string) => boolean;
  refresh: (packetId: string) => Promise<void>;
}

const savedCopyDeps: SavedCopyDeps = {
  online: () => offline.online,
  isSaved,
  refresh: refreshSavedPages
};

/**
 * After an approval or a question went through online: a copy of the packet saved on this device
 * is refreshed to match, or offline it would still ask for the approval.
 */
export async function refreshSavedCopy(
  packetId: string,
  deps: SavedCopyDeps = savedCopyDeps
): Promise<void> {
  if (packetId && deps.online() && deps.isSaved(packetId)) await deps.refresh(packetId);
}
