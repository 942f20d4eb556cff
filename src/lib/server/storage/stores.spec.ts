// Both blob stores against the same contract: the filesystem under a temp dir, and S3 against a
// local S3-compatible server (s3rver) on loopback.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../../../tests/support/s3';
import { parseConfig } from '../config';
import {
  BlobNotFoundError,
  BlobRangeError,
  BlobWriteError,
  FilesystemBlobStore,
  InvalidBlobKeyError,
  S3BlobStore,
  createBlobStore,
  newBlobKey,
  readBlob,
  type BlobStore
} from './index';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

let s3: LocalS3;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-blobs-'));
  dirs.push(dir);
  return dir;
};

// The S3 store loads the AWS SDK on first use: seconds on a busy machine. It is loaded here,
// with a generous bound, not inside the first test's 5 s.
beforeAll(async () => {
  s3 = await startLocalS3();
  await import('@aws-sdk/client-s3');
}, 60_000);
afterAll(async () => {
  await s3?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => BlobStore]> = [
  ['filesystem', () => new FilesystemBlobStore(tempDir())],
  [
    's3',
    () =>
      new S3BlobStore({
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
      })
  ]
];

describe.each(stores)('%s blob store', (_name, make) => {
  it('stores bytes and reads them back whole', async () => {
    const store = make();
    const key = newBlobKey();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    await store.put(key, bytes);
    expect(await store.size(key)).toBe(300_000);
    expect(await store.exists(key)).toBe(true);
    expect(await readBlob(store, key)).toEqual(bytes);
  });

  it('serves inclusive byte ranges, clamping the end to the last byte', async () => {
    const store = make();
    const key = newBlobKey();
    await store.put(key, bytesOf('0123456789'));
    expect(text(await readBlob(store, key, { start: 2, end: 5 }))).toBe('2345');
    expect(text(await readBlob(store, key, { start: 9, end: 9 }))).toBe('9');
    expect(text(await readBlob(store, key, { start: 7, end: 100 }))).toBe('789');
    await expect(store.get(key, { start: 10, end: 12 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get(key, { start: 5, end: 2 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get(key, { start: -1, end: 2 })).rejects.toBeInstanceOf(BlobRangeError);
  });

  it('replaces a blob written twice under one key', async () => {
    const store = make();
    const key = newBlobKey();
    await store.put(key, bytesOf('first version'));
    await store.put(key, bytesOf('second'));
    expect(text(await readBlob(store, key))).toBe('second');
    expect(await store.size(key)).toBe(6);
  });

  it('reports a missing blob as null size and BlobNotFoundError on read', async () => {
    const store = make();
    const key = newBlobKey();
    expect(await store.size(key)).toBeNull();
    expect(await store.exists(key)).toBe(false);
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get(key, { start: 0, end: 1 })).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes a blob, and deleting it again is fine', async () => {
    const store = make();
    const key = newBlobKey();
    await store.put(key, bytesOf('gone soon'));
    await store.delete(key);
    expect(await store.size(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete(key);
  });

  it("keeps a document's page-1 pictures beside it, or the mark that it could not be drawn", async () => {
    const store = make();
    const key = newBlobKey();
    await store.put(`${key}.page-1.800.webp`, bytesOf('picture'));
    expect(await store.size(`${key}.page-1.800.webp`)).toBe(7);
    expect(await store.exists(key)).toBe(false);
    await store.delete(`${key}.page-1.800.webp`);
    await store.put(`${key}.page-1.not-drawn`, bytesOf('reason'));
    expect(await store.exists(`${key}.page-1.not-drawn`)).toBe(true);
    await store.delete(`${key}.page-1.not-drawn`);
  });

  it('refuses keys that are not generated ids (no path traversal, no other prefixes)', async () => {
    const store = make();
    const bad = [
      '../etc/passwd',
      'ab/../../secret0',
      '/etc/passwd',
      'ab/cdefgh12/../x',
      'AB/CDEFGH12',
      'ab\\cdefgh12',
      'ab/cdefgh12%2f..',
      '',
      'ab/short',
      'ab/cdefgh12.page-1.800.webp/../x',
      'ab/cdefgh12.page-1.800.html',
      'ab/cdefgh12.page-2.800.webp',
      'ab/cdefgh12.page-1.not-drawn.webp',
      'ab/cdefgh12.not-drawn',
      'ab/cdefgh12.webp'
    ];
    for (const key of bad) {
      await expect(store.put(key, bytesOf('x')), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.size(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
  });
});

describe('filesystem store on disk', () => {
  const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8);

  it('keeps documents, pictures and markers owner-only: directories 0700, files 0600', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new FilesystemBlobStore(root);
    const key = newBlobKey();
    await store.put(key, bytesOf('%PDF-1.7 statement'));
    await store.put(`${key}.page-1.800.webp`, bytesOf('picture'));
    // Written to a temporary file and renamed into place: the file keeps the temporary's mode.
    await store.put(key, bytesOf('%PDF-1.7 rewritten'));
    expect(modeOf(root)).toBe('700');
    expect(modeOf(path.join(root, key.slice(0, 2)))).toBe('700');
    expect(modeOf(path.join(root, key))).toBe('600');
    expect(modeOf(path.join(root, `${key}.page-1.800.webp`))).toBe('600');
  });
});

describe('filesystem store write failures', () => {
  it('turns a full disk into a clear BlobWriteError and leaves no partial file', async () => {
    const root = tempDir();
    const store = new FilesystemBlobStore(root, {
      mkdir: fsp.mkdir,
      rename: fsp.rename,
      rm: fsp.rm,
      stat: fsp.stat,
      // Writes half the bytes, then fails like a full disk does.
      writeFile: (async (file: string, data: Uint8Array) => {
        await fsp.writeFile(file, data.subarray(0, data.byteLength / 2));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC'
        });
      }) as typeof fsp.writeFile
    });
    const key = newBlobKey();
    const error = await store.put(key, new Uint8Array(10_000).fill(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobWriteError);
    expect((error as Error).message).toBe(`Could not store blob ${key}: the disk is full (ENOSPC)`);
    expect(await store.size(key)).toBeNull();
    expect(readdirSync(path.join(root, key.slice(0, 2)))).toEqual([]);
  });

  it('keeps the previous blob intact when a rewrite fails', async () => {
    const root = tempDir();
    const good = new FilesystemBlobStore(root);
    const key = newBlobKey();
    await good.put(key, bytesOf('the original'));
    const failing = new FilesystemBlobStore(root, {
      mkdir: fsp.mkdir,
      writeFile: fsp.writeFile,
      rm: fsp.rm,
      stat: fsp.stat,
      rename: (async () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      }) as typeof fsp.rename
    });
    await expect(failing.put(key, bytesOf('replacement'))).rejects.toThrow(
      'permission denied (EACCES)'
    );
    expect(text(await readBlob(good, key))).toBe('the original');
    expect(readdirSync(path.join(root, key.slice(0, 2)))).toEqual([key.slice(3)]);
  });
});

describe('s3 store failures', () => {
  it('reports an unreachable bucket as a BlobWriteError', async () => {
    const store = new S3BlobStore({
      bucket: 'no-such-bucket',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
    });
    await expect(store.put(newBlobKey(), bytesOf('x'))).rejects.toBeInstanceOf(BlobWriteError);
  });

  // A store that takes the connection and then says nothing, or stops halfway through a body.
  async function silentStore(): Promise<{
    store: S3BlobStore;
    /** Writes it was asked for (and never answered). */
    writes: () => number;
    close: () => Promise<void>;
  }> {
    const sockets = new Set<Socket>();
    let writes = 0;
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET') return void writes++; // never answers
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
      res.write(new Uint8Array(10)); // ten bytes of a thousand, then silence
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const store = new S3BlobStore({
      bucket: 'b',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      idleTimeoutMs: 200
    });
    return {
      store,
      writes: () => writes,
      close: async () => {
        await store.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    };
  }

  it('gives up on a store that never answers, with a BlobWriteError, after its retries', async () => {
    const { store, writes, close } = await silentStore();
    try {
      const error = await store.put(newBlobKey(), bytesOf('x')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobWriteError);
      expect((error as Error).message).toMatch(/timed out/);
      // Three tries, each given up after 200 ms idle (what ends it, not how long that took).
      expect(writes()).toBe(3);
      await expect(store.size(newBlobKey())).rejects.toThrow(/timed out/);
    } finally {
      await close();
    }
  });

  it('ends a download that stalls halfway with an error, not a wait forever', async () => {
    const { store, close } = await silentStore();
    try {
      const stream = await store.get(newBlobKey());
      await expect(new Response(stream).arrayBuffer()).rejects.toThrow();
    } finally {
      await close();
    }
  });
});

describe('createBlobStore', () => {
  it('uses the filesystem under DATA_DIR/blobs by default', () => {
    const store = createBlobStore(parseConfig({ DATA_DIR: '/srv/sheaf' }));
    expect(store).toBeInstanceOf(FilesystemBlobStore);
    expect((store as FilesystemBlobStore).root).toBe('/srv/sheaf/blobs');
  });

  it('uses S3 when S3_BUCKET is set, with endpoint, region, path style and keys', () => {
    const store = createBlobStore(parseConfig({ ...s3.env, S3_REGION: 'eu-west-1' }));
    expect(store).toBeInstanceOf(S3BlobStore);
    expect((store as S3BlobStore).options).toMatchObject({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
    });
  });

  it('rejects half-configured S3 settings with a line naming the variable', () => {
    expect(() => parseConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(
      'Invalid S3_BUCKET: S3_ENDPOINT and S3_FORCE_PATH_STYLE need a bucket'
    );
    expect(() => parseConfig({ S3_BUCKET: 'sheaf', AWS_ACCESS_KEY_ID: 'x' })).toThrow(
      'Invalid AWS_SECRET_ACCESS_KEY'
    );
    expect(() => parseConfig({ S3_BUCKET: 'Bad_Bucket' })).toThrow(
      'Invalid S3_BUCKET (got "Bad_Bucket"): expected a bucket name'
    );
  });
});
