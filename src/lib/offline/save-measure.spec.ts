import { describe, expect, it } from 'vitest';
import { PREVIEW_WIDTHS } from '$lib/components/viewer/page-fit';
import {
  PAGE_GUESS,
  PICTURE_GUESS,
  SaveMeasure,
  estimateSaveBytes,
  percentOf,
  saveParts
} from './save-measure';

const packet = {
  id: 'p1',
  documents: [
    { id: 'd1', filename: 'Bank.pdf', pages: 60, bytes: 300_000 },
    { id: 'd2', filename: 'P&L.pdf', pages: 3, bytes: 100_000 }
  ]
};

describe('saveParts', () => {
  it('counts the packet’s pages, pictures and PDFs, small ones first, not the shared list', () => {
    const parts = saveParts(packet);
    const urls = parts.map((p) => p.url);
    expect(urls.slice(0, 6)).toEqual([
      '/p/p1',
      '/p/p1/__data.json',
      '/p/p1/d/d1',
      '/p/p1/d/d1/__data.json',
      '/p/p1/d/d2',
      '/p/p1/d/d2/__data.json'
    ]);
    expect(urls.slice(-2)).toEqual(['/api/files/d1', '/api/files/d2']);
    expect(urls).not.toContain('/p');
    expect(parts.at(-2)!.expected).toBe(300_000);
    expect(estimateSaveBytes(packet)).toBe(
      6 * PAGE_GUESS + 2 * PREVIEW_WIDTHS.length * PICTURE_GUESS + 400_000
    );
  });
});

describe('SaveMeasure', () => {
  it('starts from the estimate and ends with done equal to total, at 100 %', () => {
    const parts = saveParts(packet);
    const m = new SaveMeasure(parts);
    expect(m.progress).toEqual({ done: 0, total: estimateSaveBytes(packet) });
    expect(percentOf(m.progress)).toBe(0);
    for (const { url, expected } of parts) {
      // Pages and pictures come smaller than guessed, PDFs exactly as known.
      const size = url.startsWith('/api/files/d') && !url.includes('page-1') ? expected : 1000;
      m.add(url, size / 2);
      expect(percentOf(m.progress)).toBeLessThan(100);
      m.add(url, size / 2);
      m.finish(url, size);
    }
    const { done, total } = m.progress;
    expect(done).toBe(total);
    expect(total).toBe(400_000 + (6 + 2 * PREVIEW_WIDTHS.length) * 1000);
    expect(percentOf(m.progress)).toBe(100);
  });

  it('never reads 100 % before the last byte, nor more than 100 %', () => {
    const m = new SaveMeasure([
      { url: '/a', expected: 1000 },
      { url: '/b', expected: 100_000 }
    ]);
    m.add('/a', 5000); // larger than guessed: the total grows with it
    expect(m.progress).toEqual({ done: 5000, total: 105_000 });
    m.finish('/a', 5000);
    m.add('/b', 99_999);
    expect(percentOf(m.progress)).toBe(99);
    m.add('/b', 1);
    m.finish('/b', 100_000);
    expect(percentOf(m.progress)).toBe(100);
  });

  it('counts a part left out as nothing, and ignores what it does not count', () => {
    const m = new SaveMeasure([
      { url: '/pic', expected: 40_000 },
      { url: '/pdf', expected: 10_000 }
    ]);
    m.add('/p', 9999);
    m.add('/pic', 300);
    m.finish('/pic', 0);
    expect(m.progress).toEqual({ done: 0, total: 10_000 });
  });
});

describe('percentOf', () => {
  it('is whole and rounds down', () => {
    expect(percentOf({ done: 349, total: 1000 })).toBe(34);
    expect(percentOf({ done: 0, total: 0 })).toBe(100);
    expect(percentOf({ done: 0, total: 10 })).toBe(0);
  });
});
