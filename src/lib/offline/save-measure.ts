// What saving a packet counts: every byte it puts on the device for that packet (its PDFs, page
// 1's pictures, its pages and their data). The same measure fills the bar, writes "x of y" and
// becomes the saved size. The PDFs' sizes are known before a byte comes; the pictures and pages
// are estimated until each has come, and they come first, so the total is exact long before the
// bar is full, and the bar is full only when the last byte is in.
import { packetUrls, type PacketToSave, type SaveProgress } from './saved';

/** A page (HTML) or its data (__data.json), before it has come. */
export const PAGE_GUESS = 24 * 1024;
/** One of page 1's pictures, before it has come. */
export const PICTURE_GUESS = 40 * 1024;

export interface SavePart {
  url: string;
  /** Bytes expected: exact for a PDF, an estimate for the rest. */
  expected: number;
}

/** The counted parts of a save, in the order they are fetched: pages, pictures, PDFs. */
export function saveParts(packet: Pick<PacketToSave, 'id' | 'documents'>): SavePart[] {
  const { pages, pictures, files } = packetUrls(packet);
  return [
    ...pages.map((url) => ({ url, expected: PAGE_GUESS })),
    ...pictures.map((url) => ({ url, expected: PICTURE_GUESS })),
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
