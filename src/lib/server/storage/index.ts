import { getConfig, type Config } from '../config';
import { FilesystemBlobStore } from './filesystem';
import { S3BlobStore } from './s3';

export {
  BlobNotFoundError,
  BlobRangeError,
  BlobWriteError,
  InvalidBlobKeyError,
  assertBlobKey
} from './errors';
export { FilesystemBlobStore } from './filesystem';
export { S3BlobStore } from './s3';

/**
 * Where document bytes live. Keys are generated ids (newBlobKey()), never user filenames; any
 * other key throws InvalidBlobKeyError.
 */
export interface BlobStore {
  readonly kind: 'filesystem' | 's3';
  /** Stores the bytes whole or not at all; a failure throws BlobWriteError. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * The whole blob, or bytes [start, end] inclusive when a range is given (end is clamped to the
   * blob's last byte). Throws BlobNotFoundError for a missing key, BlobRangeError when start lies
   * past the end.
   */
  get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>>;
  /** Size in bytes, or null when there is no such blob. */
  size(key: string): Promise<number | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** The store a configuration asks for: S3 when S3_BUCKET is set, else the filesystem. */
export function createBlobStore(config: Config): BlobStore {
  if (config.S3_BUCKET) {
    const credentials =
      config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: config.AWS_ACCESS_KEY_ID,
            secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
            sessionToken: config.AWS_SESSION_TOKEN
          }
        : undefined;
    return new S3BlobStore({
      bucket: config.S3_BUCKET,
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials
    });
  }
  return new FilesystemBlobStore(`${config.DATA_DIR}/blobs`);
}

const KEY = Symbol.for('sheaf.blob-store');
const holder = globalThis as { [KEY]?: BlobStore };

/** The process's blob store (S3 when S3_BUCKET is set, else DATA_DIR/blobs). */
export function getBlobStore(): BlobStore {
  holder[KEY] ??= createBlobStore(getConfig());
  return holder[KEY];
}

/** Releases the store's connections (S3 sockets) and forgets it; the next use makes a new one. */
export async function closeBlobStore(): Promise<void> {
  const store = holder[KEY];
  holder[KEY] = undefined;
  if (store instanceof S3BlobStore) await store.close();
}

export function setBlobStore(store: BlobStore | undefined): void {
  holder[KEY] = store;
}

/** A fresh random blob key: `ab/cdef…` (two-level fan-out on the filesystem). */
export function newBlobKey(): string {
  const id = crypto.randomUUID().replaceAll('-', '');
  return `${id.slice(0, 2)}/${id}`;
}

/** Reads a whole blob into memory (migration, verification; documents are at most a few MB). */
export async function readBlob(
  store: BlobStore,
  key: string,
  range?: { start: number; end: number }
): Promise<Uint8Array> {
  const response = new Response(await store.get(key, range));
  return new Uint8Array(await response.arrayBuffer());
}
