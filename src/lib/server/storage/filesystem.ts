import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../data-dir';
import type { BlobStore } from './index';
import {
  BlobNotFoundError,
  BlobRangeError,
  BlobWriteError,
  assertBlobKey,
  assertRange,
  describeWriteError
} from './errors';

/** The file-system calls the store makes; tests pass failing ones (ENOSPC) to check clean-up. */
export interface FsOps {
  mkdir: typeof fsp.mkdir;
  writeFile: typeof fsp.writeFile;
  rename: typeof fsp.rename;
  rm: typeof fsp.rm;
  stat: typeof fsp.stat;
}

const realFs: FsOps = {
  mkdir: fsp.mkdir,
  writeFile: fsp.writeFile,
  rename: fsp.rename,
  rm: fsp.rm,
  stat: fsp.stat
};

/** Blobs up to this size are read whole and sent as one chunk; larger ones are streamed. */
const WHOLE_READ_BYTES = 1024 * 1024;

/** `length` bytes from `start`, then the file is closed (fewer if it shrank meanwhile). */
async function readAll(handle: fsp.FileHandle, start: number, length: number) {
  try {
    const bytes = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(bytes, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === length ? bytes : bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function singleChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length) controller.enqueue(bytes);
      controller.close();
    }
  });
}

/** Blobs as files under root (DATA_DIR/blobs): `root/ab/abcdef…`. */
export class FilesystemBlobStore implements BlobStore {
  readonly kind = 'filesystem';

  constructor(
    readonly root: string,
    private readonly fs: FsOps = realFs
  ) {}

  private file(key: string): string {
    assertBlobKey(key);
    return path.resolve(this.root, key);
  }

  /**
   * Writes to a temporary file and renames it into place: a failed write leaves nothing. Files are
   * 0600 and directories 0700 (pictures and markers are blobs too).
   */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(key);
    const temp = `${file}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await this.fs.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
      // Renaming keeps the temporary file's mode: the blob is owner-only from its first byte.
      await this.fs.writeFile(temp, bytes, { mode: PRIVATE_FILE_MODE });
      await this.fs.rename(temp, file);
    } catch (error) {
      await this.fs.rm(temp, { force: true }).catch(() => {});
      throw new BlobWriteError(key, describeWriteError(error), { cause: error });
    }
  }

  async get(key: string, range?: { start: number; end: number }) {
    const file = this.file(key);
    if (range) assertRange(range);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') throw new BlobNotFoundError(key);
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new BlobNotFoundError(key);
      const size = stats.size;
      if (range && range.start >= size) {
        throw new BlobRangeError(`Range ${range.start}-${range.end} starts past the end (${size})`);
      }
      const start = range?.start ?? 0;
      const end = range ? Math.min(range.end, size - 1) : size - 1;
      const length = Math.max(0, end - start + 1);
      // Most PDFs, every picture and every Range request pdf.js makes: one read into one buffer,
      // sent as one chunk. A file stream wrapped as a web stream cost the server more per
      // request than the bytes did (bench/load: a third of its requests are files).
      if (length <= WHOLE_READ_BYTES) return singleChunk(await readAll(handle, start, length));
      return Readable.toWeb(handle.createReadStream({ start, end })) as ReadableStream<Uint8Array>;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    const file = this.file(key);
    try {
      const stats = await this.fs.stat(file);
      return stats.isFile() ? stats.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    await this.fs.rm(this.file(key), { force: true });
  }
}
