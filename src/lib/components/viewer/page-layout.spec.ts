import { describe, expect, it } from 'vitest';
import { fitWidth } from './page-fit';
import {
  anchoredScroll,
  clampZoom,
  GAP,
  HEAD_START,
  keyZoom,
  LETTER,
  MAX_ZOOM,
  MIN_ZOOM,
  PageLayout,
  pageAt,
  toggledZoom,
  ZOOM_STEP
} from './page-layout.svelte';

const A4 = { width: 595, height: 842 };

describe('PageLayout', () => {
  it('frames every page at the size known up front, at least one', () => {
    const layout = new PageLayout(40, A4);
    expect(layout.sizes).toHaveLength(40);
    expect(layout.sizes[39]).toEqual(A4);
    expect(new PageLayout(0, LETTER).sizes).toHaveLength(1);
  });

  it('is fluid until the scroller is measured, then fits page 1 to its width', () => {
    const layout = new PageLayout(3, LETTER);
    expect(layout.fluid).toBe(true);
    layout.width = 390;
    expect(layout.fluid).toBe(false);
    expect(layout.scale).toBeCloseTo(fitWidth(390) / LETTER.width);
    layout.zoom = 2;
    expect(layout.scale).toBeCloseTo((2 * fitWidth(390)) / LETTER.width);
  });

  it('mounts a head start of frames; a spacer stands in for the rest', () => {
    const layout = new PageLayout(10, LETTER, 390);
    expect(layout.shown).toHaveLength(HEAD_START);
    const frame = LETTER.height * layout.scale + GAP;
    expect(layout.rest).toBeCloseTo((10 - HEAD_START) * frame);
  });

  it('mounts the frames that start above a point as scrolling nears them, never fewer', () => {
    const layout = new PageLayout(10, LETTER, 390);
    const frame = LETTER.height * layout.scale + GAP;
    // Page n starts at GAP + (n - 1) * frame.
    layout.mountThrough(GAP + 4 * frame);
    expect(layout.shown).toHaveLength(5);
    layout.mountThrough(0);
    expect(layout.shown).toHaveLength(5);
    layout.mountThrough(1e9);
    expect(layout.shown).toHaveLength(10);
    expect(layout.rest).toBe(0);
  });

  it('mounts through a page jumped to, with a head start past it', () => {
    const layout = new PageLayout(30, LETTER, 390);
    expect(layout.mountFor(2)).toBe(false);
    expect(layout.mountFor(12)).toBe(true);
    expect(layout.shown).toHaveLength(12 + HEAD_START);
    expect(layout.mountFor(30)).toBe(true);
    expect(layout.shown).toHaveLength(30);
  });

  it('shows every frame when it opens further down than the head start', () => {
    const layout = new PageLayout(30, LETTER, 390);
    layout.lead = 20;
    expect(layout.shown).toHaveLength(30);
  });

  it('takes the PDF’s page count and size once open, and a drawn page’s own size', () => {
    const layout = new PageLayout(3, LETTER, 390);
    layout.opened(5, A4);
    expect(layout.sizes).toEqual(Array.from({ length: 5 }, () => A4));
    const before = layout.sizes[1];
    layout.resize(2, { ...A4 });
    expect(layout.sizes[1]).toBe(before);
    layout.resize(2, { width: 842, height: 595 });
    expect(layout.sizes[1]).toEqual({ width: 842, height: 595 });
    layout.resize(9, A4);
    expect(layout.sizes).toHaveLength(5);
  });

  it('keeps the pages near the viewport', () => {
    const layout = new PageLayout(3, LETTER);
    layout.near.add(1);
    expect(layout.near.has(1)).toBe(true);
  });
});

describe('zoom', () => {
  it('stays between the smallest and the largest', () => {
    expect(clampZoom(0.1)).toBe(MIN_ZOOM);
    expect(clampZoom(9)).toBe(MAX_ZOOM);
    expect(clampZoom(1.5)).toBe(1.5);
  });

  it('steps with + = - and 0, and ignores other keys', () => {
    expect(keyZoom('+', 1)).toBe(ZOOM_STEP);
    expect(keyZoom('=', 2)).toBe(2 * ZOOM_STEP);
    expect(keyZoom('-', 1)).toBe(1 / ZOOM_STEP);
    expect(keyZoom('0', 3)).toBe(1);
    expect(keyZoom('a', 1)).toBeNull();
    expect(keyZoom('ArrowDown', 1)).toBeNull();
  });

  it('double tap goes to twice the size, and back to fit once zoomed in', () => {
    expect(toggledZoom(1)).toBe(2);
    expect(toggledZoom(1.05)).toBe(2);
    expect(toggledZoom(1.5)).toBe(1);
    expect(toggledZoom(0.5)).toBe(2);
  });

  it('keeps the point under the fingers in place', () => {
    // At (100, 200) in the box, scrolled to (0, 1000): that point is (100, 1200) on the sheet,
    // (200, 2400) at twice the size, so the box scrolls to (100, 2200).
    expect(anchoredScroll({ left: 0, top: 1000 }, 100, 200, 2)).toEqual({ left: 100, top: 2200 });
    expect(anchoredScroll({ left: 100, top: 2200 }, 100, 200, 0.5)).toEqual({
      left: 0,
      top: 1000
    });
  });
});

describe('pageAt', () => {
  it('finds the last page starting at or above the probe', () => {
    const tops = [12, 700, 1388, 2076];
    expect(pageAt(tops.length, (i) => tops[i], 0)).toBe(1);
    expect(pageAt(tops.length, (i) => tops[i], 699)).toBe(1);
    expect(pageAt(tops.length, (i) => tops[i], 700)).toBe(2);
    expect(pageAt(tops.length, (i) => tops[i], 1500)).toBe(3);
    expect(pageAt(tops.length, (i) => tops[i], 1e9)).toBe(4);
    expect(pageAt(0, () => 0, 500)).toBe(1);
  });
});
