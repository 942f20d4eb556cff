// Pinch and double-tap zoom for the viewer's scroll container. During a pinch the pages are
// scaled with a CSS transform (cheap); when the fingers lift the new zoom is committed and the
// pages re-render sharp at that size.

export interface GestureHandlers {
  /** Live pinch: scale factor relative to the start, around a point in the scroller's box. */
  onpinch: (ratio: number, originX: number, originY: number) => void;
  onpinchend: (ratio: number, originX: number, originY: number) => void;
  ondoubletap: (x: number, y: number) => void;
}

const DOUBLE_TAP_MS = 300;
const TAP_SLOP = 24;

export function attachGestures(el: HTMLElement, h: GestureHandlers): () => void {
  let pinch: { d0: number; x: number; y: number; ratio: number } | null = null;
  let tap: { x: number; y: number; moved: boolean } | null = null;
  let lastTap: { x: number; y: number; t: number } | null = null;

  const local = (x: number, y: number) => {
    const r = el.getBoundingClientRect();
    return { x: x - r.left, y: y - r.top };
  };
  const distance = (t: TouchList) =>
    Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);

  function start(e: TouchEvent) {
    if (e.touches.length === 2) {
      const mid = local(
        (e.touches[0].clientX + e.touches[1].clientX) / 2,
        (e.touches[0].clientY + e.touches[1].clientY) / 2
      );
      pinch = { d0: distance(e.touches), ...mid, ratio: 1 };
      tap = null;
    } else if (e.touches.length === 1) {
      tap = { x: e.touches[0].clientX, y: e.touches[0].clientY, moved: false };
    }
  }
  function move(e: TouchEvent) {
    if (pinch && e.touches.length === 2) {
      e.preventDefault();
      pinch.ratio = distance(e.touches) / pinch.d0;
      h.onpinch(pinch.ratio, pinch.x, pinch.y);
    } else if (tap && e.touches.length === 1) {
      const t = e.touches[0];
      if (Math.hypot(t.clientX - tap.x, t.clientY - tap.y) > TAP_SLOP) tap.moved = true;
    }
  }
  function end(e: TouchEvent) {
    if (pinch && e.touches.length < 2) {
      const p = pinch;
      pinch = null;
      h.onpinchend(p.ratio, p.x, p.y);
      return;
    }
    if (tap && !tap.moved && e.touches.length === 0) {
      const now = performance.now();
      const { x, y } = tap;
      if (
        lastTap &&
        now - lastTap.t < DOUBLE_TAP_MS &&
        Math.hypot(x - lastTap.x, y - lastTap.y) < TAP_SLOP * 2
      ) {
        e.preventDefault();
        lastTap = null;
        const p = local(x, y);
        h.ondoubletap(p.x, p.y);
      } else {
        lastTap = { x, y, t: now };
      }
    }
    tap = null;
  }

  el.addEventListener('touchstart', start, { passive: true });
  el.addEventListener('touchmove', move, { passive: false });
  el.addEventListener('touchend', end, { passive: false });
  el.addEventListener('touchcancel', end, { passive: false });
  return () => {
    el.removeEventListener('touchstart', start);
    el.removeEventListener('touchmove', move);
    el.removeEventListener('touchend', end);
    el.removeEventListener('touchcancel', end);
  };
}
