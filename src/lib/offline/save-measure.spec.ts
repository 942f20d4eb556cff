import { describe, expect, it } from 'vitest';
import { PREVIEW_WIDTHS } from '$lib/components/viewer/page-fit';
import {
  DATA_GUESS,
  PAGE_GUESS,
  SaveMeasure,
  estimateSaveBytes,
  percentOf,
  pictureGuess,
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
    const pictures = PREVIEW_WIDTHS.reduce((sum, w) => sum + pictureGuess(w), 0);
    expect(estimateSaveBytes(packet)).toBe(
      3 * PAGE_GUESS + 3 * DATA_GUESS + 2 * pictures + 400_000
    );
  });

  it('guesses close to what a real two-PDF packet saved (674 KB, told "about 778 KB" before)', () => {
    // Measured in a walk: the two PDFs (libtasn1, shared-mime-info's spec) and what came
    // beside them: pages 31,030 + 26,711 + 26,839 bytes, their data 1,576 + 891 + 912, page 1's
    // pictures 4,508 / 11,970 / 20,640 and 18,956 / 51,786 / 91,030 bytes at 400 / 800 / 1200 px.
    const pdfs = 262_961 + 140_429;
    const pages = 31_030 + 26_711 + 26_839 + 1_576 + 891 + 912;
    const pictures = 4_508 + 11_970 + 20_640 + 18_956 + 51_786 + 91_030;
    const saved = pdfs + pages + pictures;
    const estimate = estimateSaveBytes({
      id: 'p',
      documents: [
        { id: 'a', filename: 'libtasn1.pdf', pages: 36, bytes: 262_961 },
        { id: 'b', filename: 'shared-mime-info-spec.pdf', pages: 17, bytes: 140_429 }
      ]
    });
    expect(Math.abs(estimate - saved) / saved).toBeLessThan(0.05);
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
