export interface Toast {
  id: number;
  message: string;
  tone: 'ok' | 'bad' | 'info';
}

let next = 1;
export const toasts = $state<Toast[]>([]);

/** Shows a short message at the bottom of the screen for a few seconds. */
export function showToast(message: string, tone: Toast['tone'] = 'ok', ms = 4000): void {
  const id = next++;
  toasts.push({ id, message, tone });
  setTimeout(() => dismissToast(id), ms);
}

export function dismissToast(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
