// The disk filling up while a document uploads: the blob store is swapped (setBlobStore) for a
// file-system store whose writes stop half-way with ENOSPC, the way a full disk fails. Staff get
// a clear error naming the file; no document row, no blob and no temporary file remain.
import * as fsp from 'node:fs/promises';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setBlobStore } from '../../../src/lib/server/storage';
import { FilesystemBlobStore } from '../../../src/lib/server/storage/filesystem';
import { createPacket, makePdf } from '../../support/factories';
import { documentsOf, staffWorld, uploadPdf } from '../../support/firm';

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

let root: string | undefined;
afterEach(() => {
  setBlobStore(undefined);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the disk full on a blob write during an upload', () => {
  it('answers a clear 507 and leaves no half-made document', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft', title: 'Q3 review' });
    root = mkdtempSync(path.join(os.tmpdir(), 'sheaf-full-'));
    let writes = 0;
    setBlobStore(
      new FilesystemBlobStore(root, {
        ...fsp,
        // Half the bytes reach the disk, then it is full.
        writeFile: (async (file: string, data: Uint8Array) => {
          writes++;
          await fsp.writeFile(file, data.subarray(0, data.byteLength >> 1));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
            code: 'ENOSPC'
          });
        }) as typeof fsp.writeFile
      })
    );
    const pdf = await makePdf(3);
    const response = await uploadPdf(browser, packet.id, 'Bank statement Q3.pdf', pdf);
    expect(writes).toBe(1);
    expect(response.status).toBe(507);
    const { error } = response.json<{ error: string }>();
    expect(error).toContain('"Bank statement Q3.pdf" could not be saved');
    expect(error).toContain('storage is full');
    expect(error).toContain('Nothing was added');
    expect(await documentsOf(packet.id)).toHaveLength(0);
    expect(files(root)).toEqual([]);
    // The packet page shows no trace of it.
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Bank statement Q3.pdf');

    // Space freed: the same upload succeeds.
    setBlobStore(new FilesystemBlobStore(root));
    const retry = await uploadPdf(browser, packet.id, 'Bank statement Q3.pdf', pdf);
    expect(retry.status).toBe(201);
    expect(await documentsOf(packet.id)).toHaveLength(1);
    expect(files(root)).toHaveLength(1);
  });

  it('answers 503 when storage is unreachable for another reason', async () => {
    const { db, browser, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    root = mkdtempSync(path.join(os.tmpdir(), 'sheaf-full-'));
    setBlobStore(
      new FilesystemBlobStore(root, {
        ...fsp,
        writeFile: (async () => {
          throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        }) as typeof fsp.writeFile
      })
    );
    const response = await uploadPdf(browser, packet.id, 'statement.pdf', await makePdf(1));
    expect(response.status).toBe(503);
    expect(response.json<{ error: string }>().error).toContain('storage is unavailable');
    expect(await documentsOf(packet.id)).toHaveLength(0);
  });
});
