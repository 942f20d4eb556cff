import { getConfig } from '../config';
import { FilesystemBlobStore } from './filesystem';

/** Where document bytes live. Keys are generated ids, never user filenames. */
export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The whole blob, or bytes [start, end] inclusive when a range is given. */
  get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>>;
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
}

const KEY = Symbol.for('sheaf.blob-store');
const holder = globalThis as { [KEY]?: BlobStore };

/** The process's blob store (the filesystem under DATA_DIR/blobs unless configured otherwise). */
export function getBlobStore(): BlobStore {
  holder[KEY] ??= new FilesystemBlobStore(`${getConfig().DATA_DIR}/blobs`);
  return holder[KEY];
}

export function setBlobStore(store: BlobStore | undefined): void {
  holder[KEY] = store;
}

/** A fresh random blob key: `ab/cdef…` (two-level fan-out on the filesystem). */
export function newBlobKey(): string {
  const id = crypto.randomUUID().replaceAll('-', '');
  return `${id.slice(0, 2)}/${id}`;
}
