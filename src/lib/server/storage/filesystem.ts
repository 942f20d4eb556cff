import { createReadStream } from 'node:fs';
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
    const size = await this.size(key);
    if (size === null) throw new BlobNotFoundError(key);
    let options: { start: number; end: number } | undefined;
    if (range) {
      assertRange(range);
      if (range.start >= size) {
        throw new BlobRangeError(`Range ${range.start}-${range.end} starts past the end (${size})`);
      }
      options = { start: range.start, end: Math.min(range.end, size - 1) };
    }
    return Readable.toWeb(createReadStream(file, options)) as ReadableStream<Uint8Array>;
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
