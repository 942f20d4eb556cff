// The toast queue and where it sits, kept free of Svelte so both are unit tested.

export interface Toast {
  id: number;
  message: string;
  tone: 'ok' | 'bad' | 'info';
}

/** At most this many toasts show at once; a newer one pushes the oldest out. */
export const MAX_TOASTS = 3;

/**
 * Adds a toast to the list in place, newest last. The same message already showing is moved to
 * the end rather than shown twice; past `max`, the oldest leave first. Returns the ids removed.
 */
export function queueToast(list: Toast[], toast: Toast, max = MAX_TOASTS): number[] {
  const removed: number[] = [];
  const same = list.findIndex((t) => t.message === toast.message && t.tone === toast.tone);
  if (same >= 0) removed.push(...list.splice(same, 1).map((t) => t.id));
  list.push(toast);
  while (list.length > max) removed.push(list.shift()!.id);
  return removed;
}

/** Removes one toast in place; false when it had already gone. */
export function removeToast(list: Toast[], id: number): boolean {
  const i = list.findIndex((t) => t.id === id);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** The part of the viewport a focused form field takes, in CSS pixels from the top. */
export interface FieldBox {
  top: number;
  bottom: number;
}

/**
 * Which edge the toasts sit on so they never cover the field being typed in: the bottom,
 * unless a focused field is in the lower half of what is visible (a phone keyboard shrinks
 * that), then the top, under the app bar.
 */
export function toastEdge(field: FieldBox | null, visibleHeight: number): 'top' | 'bottom' {
  if (!field) return 'bottom';
  const middle = (field.top + field.bottom) / 2;
  return middle > visibleHeight / 2 ? 'top' : 'bottom';
}

/** Elements a person types or chooses in: toasts keep clear of these while focused. */
export function isFormField(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLElement && el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (el.getAttribute('type') ?? 'text').toLowerCase();
  return !['button', 'submit', 'reset', 'hidden', 'image'].includes(type);
}
