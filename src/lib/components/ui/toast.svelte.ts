import { queueToast, removeToast, type Toast } from './toast-queue';

export type { Toast } from './toast-queue';

let next = 1;
export const toasts = $state<Toast[]>([]);
// Timers are bookkeeping, not state anything renders.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** Shows a short message for a few seconds; several queue, at most three at a time. */
export function showToast(message: string, tone: Toast['tone'] = 'ok', ms = 4000): void {
  const id = next++;
  for (const gone of queueToast(toasts, { id, message, tone })) clearTimer(gone);
  timers.set(
    id,
    setTimeout(() => dismissToast(id), ms)
  );
}

export function dismissToast(id: number): void {
  clearTimer(id);
  removeToast(toasts, id);
}

function clearTimer(id: number) {
  clearTimeout(timers.get(id));
  timers.delete(id);
}
