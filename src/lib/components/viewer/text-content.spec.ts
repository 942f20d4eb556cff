import { describe, expect, it } from 'vitest';
import { fitWidth, outputRatio } from './page-fit';
import { legibleTextScale, slicedTextContent } from './text-content';

describe('legibleTextScale', () => {
  it('draws text at 2 px per point, whatever the zoom', () => {
    // 10 pt text on a phone (scale ~0.6) computes to 20 px, then scales back down.
    const scale = 0.6;
    expect(scale * legibleTextScale(scale, 1) * 10).toBeCloseTo(20);
    expect(2 * legibleTextScale(2, 1) * 10).toBeCloseTo(20);
  });

  it('never goes below the browser minimum pdf.js measured', () => {
    expect(legibleTextScale(4, 3)).toBe(3);
  });
});

describe('slicedTextContent', () => {
  it('hands pdf.js every item, in order, a slice at a time', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ str: `item ${i}` }));
    const content = { items, styles: { f1: {} }, lang: 'en' } as never;
    const reader = slicedTextContent(content).getReader();
    const slices: number[] = [];
    const seen: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      slices.push(value.items.length);
      seen.push(...value.items.map((i) => (i as { str: string }).str));
      expect(value.styles).toEqual({ f1: {} });
    }
    expect(slices.length).toBeGreaterThan(1);
    expect(seen).toEqual(items.map((i) => i.str));
  });
});

describe('page fit', () => {
  it('fits phones to their width less a margin and caps wide screens', () => {
    expect(fitWidth(390)).toBe(366);
    expect(fitWidth(1280)).toBe(920);
    expect(fitWidth(100)).toBe(200);
  });

  it('draws at the screen pixel ratio within the canvas limit', () => {
    expect(outputRatio(366, 518, 3)).toBe(3);
    expect(outputRatio(5000, 7000, 3)).toBeLessThan(1);
  });
});
