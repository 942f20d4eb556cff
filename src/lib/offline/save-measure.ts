// What saving a packet counts: every byte it puts on the device for that packet (its PDFs, page
// 1's pictures, its pages and their data). The same measure fills the bar, writes "x of y" and
// becomes the saved size. The PDFs' sizes are known before a byte comes; the pictures and pages
// are estimated until each has come, and they come first, so the total is exact long before the
// bar is full, and the bar is full only when the last byte is in.
import { packetUrls, type PacketToSave, type SaveProgress } from './saved';

// The guesses below are what a walk through a real packet measured (December 2026, PDFs from
// Debian's libtasn1 and shared-mime-info documentation): pages of 27–31 KB, their data of
// 1–2 KB, and page 1's pictures of 5–19 KB at 400 px, 12–52 KB at 800 and 21–91 KB at 1200.
// Guessing 24 KB for every page and 40 KB for every picture told the reader "about 778 KB" for
// a save of 674 KB.

/** A page (HTML), before it has come. */
export const PAGE_GUESS = 28 * 1024;
/** A page's data (__data.json), before it has come. */
export const DATA_GUESS = 2 * 1024;
/** One of page 1's pictures, before it has come, by its width. */
export function pictureGuess(width: number): number {
  return Math.round(12 * 1024 * (width / 400) ** 1.4);
}

const guessOf = (url: string) => (url.endsWith('/__data.json') ? DATA_GUESS : PAGE_GUESS);
const pictureWidth = (url: string) => Number(url.slice(url.lastIndexOf('/') + 1));

export interface SavePart {
  url: string;
  /** Bytes expected: exact for a PDF, an estimate for the rest. */
  expected: number;
}

/** The counted parts of a save, in the order they are fetched: pages, pictures, PDFs. */
export function saveParts(packet: Pick<PacketToSave, 'id' | 'documents'>): SavePart[] {
  const { pages, pictures, files } = packetUrls(packet);
  return [
    ...pages.map((url) => ({ url, expected: guessOf(url) })),
    ...pictures.map((url) => ({ url, expected: pictureGuess(pictureWidth(url)) })),
    ...files.map((url, i) => ({ url, expected: packet.documents[i].bytes }))
  ];
}

/** What saving this packet will put on the device, before it starts. */
export function estimateSaveBytes(packet: Pick<PacketToSave, 'id' | 'documents'>): number {
  return saveParts(packet).reduce((sum, part) => sum + part.expected, 0);
}

/** Whole percent of a save, 100 only once every byte is in. */
export function percentOf({ done, total }: SaveProgress): number {
  if (total <= 0 || done >= total) return done > 0 || total <= 0 ? 100 : 0;
  return Math.floor((100 * done) / total);
}

export class SaveMeasure {
  #expected = new Map<string, number>();
  #received = new Map<string, number>();
  #final = new Map<string, number>();

  constructor(parts: SavePart[]) {
    for (const { url, expected } of parts) this.#expected.set(url, expected);
  }

  /** `n` more bytes of `url` came. */
  add(url: string, n: number): void {
    if (!this.#expected.has(url)) return;
    this.#received.set(url, (this.#received.get(url) ?? 0) + n);
  }

  /** `url` is in, at `size` bytes; 0 when it is left out (a picture the server could not draw). */
  finish(url: string, size: number): void {
    if (this.#expected.has(url)) this.#final.set(url, size);
  }

  get progress(): SaveProgress {
    let done = 0;
    let total = 0;
    for (const [url, expected] of this.#expected) {
      const final = this.#final.get(url);
      const received = this.#received.get(url) ?? 0;
      done += final ?? received;
      // A part larger than expected stretches the total; it never reads more than 100 %.
      total += final ?? Math.max(expected, received);
    }
    return { done, total };
  }
}
