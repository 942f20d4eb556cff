// Approvals and questions made offline wait in the user's IndexedDB and go out once the device
// is back online. Each carries the requestId its form generated; the server records one
// decision or question per id, so a replay (two tabs, a retry after a lost answer) is harmless.
import { getAll, put, remove, type QueuedAction } from './idb';
import { visibleKey } from './user';
import { within } from './within';
import { m } from '../paraglide/messages.js';

export type { QueuedAction };

export async function listQueued(): Promise<QueuedAction[]> {
  const key = await visibleKey();
  if (!key) return [];
  return (await getAll<QueuedAction>(key, 'queue')).sort((a, b) => a.createdAt - b.createdAt);
}

export async function enqueue(action: Omit<QueuedAction, 'createdAt'>): Promise<boolean> {
  const key = await visibleKey();
  if (!key) return false;
  await put(key, 'queue', { ...action, createdAt: Date.now() });
  return true;
}

/** How long a queued action waits for the server's answer before it is tried again later. */
export const SEND_TIMEOUT_MS = 20_000;

export interface FlushOutcome {
  sent: QueuedAction[];
  /** Refused by the server (e.g. the packet changed): dropped, with the reason shown. */
  refused: Array<{ action: QueuedAction; message: string }>;
}

async function send(action: QueuedAction): Promise<'sent' | 'retry' | { refused: string }> {
  const body = new FormData();
  for (const [name, value] of action.fields) body.append(name, value);
  body.set('requestId', action.requestId);
  // A connection that is up but carries nothing (a train between stations) must not hold the
  // queue: the send is abandoned, and the action waits for the next try. Should the server have
  // recorded it after all, the next try is a harmless replay of the same requestId.
  type Result = {
    type?: string;
    status?: number;
    data?: string;
    error?: { message?: string };
  } | null;
  const answer = await within(SEND_TIMEOUT_MS, async (signal) => {
    const response = await fetch(`${action.path}?/${action.kind}`, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
      signal
    });
    if (response.status >= 500) return null;
    const result = (await response.json().catch((error: unknown) => {
      if (signal.aborted) throw error;
      return null;
    })) as Result;
    return { status: response.status, result };
  }).catch(() => null);
  if (!answer) return 'retry';
  const { status, result } = answer;
  if (result?.type === 'success') return 'sent';
  // Signed out meanwhile: keep it; sign-out purges the queue anyway.
  if (result?.type === 'redirect' || status === 401) return 'retry';
  if (result?.type === 'failure') {
    return {
      refused: failureMessage(result.data) ?? m.queue_not_accepted()
    };
  }
  if (result?.type === 'error' && (result.status ?? status) < 500) {
    return { refused: result.error?.message ?? m.packet_gone() };
  }
  return 'retry';
}

/** `data` of an action failure is devalue-encoded: find its `message` string. */
function failureMessage(data: string | undefined): string | null {
  if (!data) return null;
  try {
    const arr = JSON.parse(data) as unknown[];
    const head = arr[0] as Record<string, number> | undefined;
    const at = head?.message;
    return typeof at === 'number' && typeof arr[at] === 'string' ? (arr[at] as string) : null;
  } catch {
    return null;
  }
}

let flushing: Promise<FlushOutcome> | null = null;

/** Sends every queued action, oldest first; one flush at a time per tab (and per device). */
export function flushQueue(): Promise<FlushOutcome> {
  flushing ??= (async () => {
    const run = async () => {
      const outcome: FlushOutcome = { sent: [], refused: [] };
      const key = await visibleKey();
      if (!key) return outcome;
      for (const action of await listQueued()) {
        const result = await send(action);
        if (result === 'retry') break;
        await remove(key, 'queue', action.requestId);
        if (result === 'sent') outcome.sent.push(action);
        else outcome.refused.push({ action, message: result.refused });
      }
      return outcome;
    };
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    return locks ? locks.request('sheaf-offline-queue', run) : run();
  })().finally(() => (flushing = null));
  return flushing;
}
