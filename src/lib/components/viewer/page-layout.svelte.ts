// The viewer's page frames: their sizes, the zoom, and which of them are mounted. State and
// arithmetic only, so it is unit tested; PdfViewer measures the page and scrolls it.
import { SvelteSet } from 'svelte/reactivity';
import { fitWidth } from './page-fit';

export interface PageSize {
  width: number;
  height: number;
}

/** Frames are drawn at US Letter until the PDF says otherwise. */
export const LETTER: PageSize = { width: 612, height: 792 };
export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 5;
/** A key's or a button's step in or out. */
export const ZOOM_STEP = 1.25;
/** CSS pixels between the pages and around them. */
export const GAP = 12;
// Until the first page is on screen, it alone renders and only a few page frames exist, so
// nothing competes with it for the worker or the main thread.
export const HEAD_START = 2;
// The frames further down join as scrolling nears them (AHEAD screens ahead); one spacer of
// their height stands in for them until then. Mounting every frame of a long statement at once
// is a long task on a phone, and each later batch costs a layout and a commit.
export const AHEAD = 2;

export const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

/** A double tap or double click: back to fit when zoomed in, else twice the size. */
export const toggledZoom = (zoom: number) => (zoom > 1.05 ? 1 : 2);

/** The zoom a key asks for (+ or = in, - out, 0 back to fit), or null for any other key. */
export function keyZoom(key: string, zoom: number): number | null {
  if (key === '+' || key === '=') return zoom * ZOOM_STEP;
  if (key === '-') return zoom / ZOOM_STEP;
  if (key === '0') return 1;
  return null;
}

/** Where to scroll so the point (x, y) of the scroller's box stays put as the zoom grows `ratio` times. */
export function anchoredScroll(
  scroll: { left: number; top: number },
  x: number,
  y: number,
  ratio: number
): { left: number; top: number } {
  return { left: (scroll.left + x) * ratio - x, top: (scroll.top + y) * ratio - y };
}

/**
 * The page shown at `probe` pixels down the scroller: the last of `count` frames whose top
 * (`topOf`, in page order) is at or above it; 1-based, and 1 with no frames.
 */
export function pageAt(count: number, topOf: (index: number) => number, probe: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (topOf(mid) <= probe) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export class PageLayout {
  /** Each page's size at scale 1, in PDF points. */
  sizes: PageSize[] = $state([]);
  zoom = $state(1);
  /** The scroller's width in CSS pixels: 0 until measured (on the server). */
  width = $state(0);
  /** The page the viewer opens at (#page=N): until the first page is painted, it alone renders. */
  lead = $state(1);
  /** How many frames, from the top, are mounted. */
  mounted = $state(HEAD_START);
  /** The pages near the viewport, which render; the others free their canvases. */
  readonly near = new SvelteSet<number>();

  /** The frames mounted: all of them once the viewer opened further down than HEAD_START. */
  shown = $derived(this.lead > HEAD_START ? this.sizes : this.sizes.slice(0, this.mounted));
  /** CSS pixels per PDF point: page 1 fits the width at zoom 1. */
  scale = $derived((fitWidth(this.width) / (this.sizes[0]?.width ?? LETTER.width)) * this.zoom);
  /** The height of the frames not mounted yet, for the spacer that stands in for them. */
  rest = $derived(
    this.sizes
      .slice(this.shown.length)
      .reduce((height, size) => height + size.height * this.scale + GAP, 0)
  );
  /** Until the scroller is measured (on the server), frames are sized by CSS (see PdfPage). */
  fluid = $derived(this.width === 0);

  /** `pages` frames of `size` (at least one), in a scroller `width` wide (0: not measured). */
  constructor(pages: number, size: PageSize, width = 0) {
    this.sizes = Array.from({ length: Math.max(pages, 1) }, () => size);
    this.width = width;
  }

  /** The PDF is open: `count` pages, each framed at page 1's size until drawn. */
  opened(count: number, first: PageSize): void {
    this.sizes = Array.from({ length: count }, () => ({
      width: first.width,
      height: first.height
    }));
  }

  /** A page was drawn at another size than its frame had. */
  resize(page: number, size: PageSize): void {
    const known = this.sizes[page - 1];
    if (known && (known.width !== size.width || known.height !== size.height)) {
      this.sizes[page - 1] = size;
    }
  }

  /** Mounts the frames of every page that starts above `y` (in the sheet's coordinates). */
  mountThrough(y: number): void {
    let top = GAP;
    let n = 0;
    while (n < this.sizes.length && top <= y) top += this.sizes[n++].height * this.scale + GAP;
    if (n > this.mounted) this.mounted = n;
  }

  /** Mounts the frames through page `target` for a jump there; false when they are already. */
  mountFor(target: number): boolean {
    if (target <= this.shown.length) return false;
    this.mounted = Math.min(this.sizes.length, target + HEAD_START);
    return true;
  }
}
