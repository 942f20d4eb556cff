import { describe, expect, it } from 'vitest';
import { MAX_TOASTS, queueToast, removeToast, toastEdge, type Toast } from './toast-queue';

const toast = (id: number, message = `m${id}`, tone: Toast['tone'] = 'ok'): Toast => ({
  id,
  message,
  tone
});

describe('the toast queue', () => {
  it('stacks newest last and lets the oldest leave first past three', () => {
    const list: Toast[] = [];
    expect(queueToast(list, toast(1))).toEqual([]);
    queueToast(list, toast(2));
    queueToast(list, toast(3));
    expect(list.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(queueToast(list, toast(4))).toEqual([1]);
    expect(queueToast(list, toast(5))).toEqual([2]);
    expect(list.map((t) => t.id)).toEqual([3, 4, 5]);
    expect(list).toHaveLength(MAX_TOASTS);
  });

  it('shows the same message once, as the newest', () => {
    const list: Toast[] = [];
    queueToast(list, toast(1, 'Saved'));
    queueToast(list, toast(2, 'Other'));
    expect(queueToast(list, toast(3, 'Saved'))).toEqual([1]);
    expect(list.map((t) => t.id)).toEqual([2, 3]);
    // A failure with the same words is a different toast.
    queueToast(list, toast(4, 'Saved', 'bad'));
    expect(list.map((t) => t.id)).toEqual([2, 3, 4]);
  });

  it('removes by id, once', () => {
    const list = [toast(1), toast(2)];
    expect(removeToast(list, 1)).toBe(true);
    expect(removeToast(list, 1)).toBe(false);
    expect(list.map((t) => t.id)).toEqual([2]);
  });
});

describe('where toasts sit', () => {
  it('at the bottom, unless a focused field is in the lower half of the view', () => {
    expect(toastEdge(null, 844)).toBe('bottom');
    expect(toastEdge({ top: 100, bottom: 144 }, 844)).toBe('bottom');
    expect(toastEdge({ top: 700, bottom: 744 }, 844)).toBe('top');
    // A keyboard leaves 400 px visible: a field at 300 is now in the lower half.
    expect(toastEdge({ top: 280, bottom: 324 }, 400)).toBe('top');
  });
});
