// `npm run cli -- blobs:migrate --to s3`: copies document files from DATA_DIR/blobs to an
// S3-compatible store (s3rver on loopback), verifying each by SHA-256; re-runs resume.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../../scripts/commands/index';
import { UsageError } from '../../scripts/commands/types';
import { getConfig, parseConfig } from '../../src/lib/server/config';
import { getDatabase, getDb } from '../../src/lib/server/db/client';
import { ensurePreviews, previewKey, PREVIEW_WIDTHS } from '../../src/lib/server/pdf/preview';
import {
  FilesystemBlobStore,
  S3BlobStore,
  createBlobStore,
  getBlobStore,
  readBlob
} from '../../src/lib/server/storage';
import { addDocument, createClient, createFirm, createPacket, makePdf } from '../support/factories';
import { startLocalS3, type LocalS3 } from '../support/s3';

let s3: LocalS3;

function run(file: string, args: string[], options: { env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { ...options, timeout: 80_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    );
  });
}
let bucket: S3BlobStore;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  s3 = await startLocalS3();
  bucket = createBlobStore(parseConfig({ ...process.env, ...s3.env })) as S3BlobStore;
});
afterAll(async () => {
  await bucket?.close();
  await s3?.stop();
});

/** Runs the CLI command in this process (same database) and captures what it prints. */
async function migrate(args: string[], env: Record<string, string> = s3.env) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  try {
    const code = await commands['blobs:migrate'].run({
      args,
      config: parseConfig({ ...process.env, ...env }),
      database: getDatabase()
    });
    return { code: code ?? 0, output: out.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

async function firmWithDocuments(count: number) {
  const firm = await createFirm();
  const client = await createClient(getDb(), firm.id);
  const packet = await createPacket(getDb(), client);
  const docs = [];
  for (let i = 0; i < count; i++) {
    docs.push(await addDocument(getDb(), packet, { pages: i + 1, filename: `file-${i}.pdf` }));
  }
  return { firm, docs };
}

describe('blobs:migrate --to s3', () => {
  it('copies every document file, verified, and a second run copies nothing', async () => {
    const { firm, docs } = await firmWithDocuments(3);
    const first = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`to S3 bucket "${s3.bucket}" at ${s3.endpoint}`);
    expect(first.output).toMatch(
      /Done: 3 files checked: 3 copied \([\d.]+\u00a0KB\), 0 already in S3, 0 page-1 pictures copied, 0 problems\./
    );
    for (const doc of docs) {
      const copy = await readBlob(bucket, doc.blobKey);
      expect(sha(copy)).toBe(doc.sha256);
      expect(copy.byteLength).toBe(doc.bytes);
    }

    const again = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(
      'Done: 3 files checked: 0 copied (0\u00a0B), 3 already in S3, 0 page-1 pictures copied, 0 problems.'
    );
  });

  it("takes page 1's pictures along, verified, and leaves identical ones alone", async () => {
    const { firm, docs } = await firmWithDocuments(2);
    const local = getBlobStore();
    expect(await ensurePreviews(docs[0].blobKey)).toBe(true); // the second has none yet
    const first = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`2 copied`);
    expect(first.output).toContain(`${PREVIEW_WIDTHS.length} page-1 pictures copied, 0 problems.`);
    for (const width of PREVIEW_WIDTHS) {
      const key = previewKey(docs[0].blobKey, width);
      expect(sha(await readBlob(bucket, key))).toBe(sha(await readBlob(local, key)));
      expect(await bucket.exists(previewKey(docs[1].blobKey, width))).toBe(false);
    }
    const again = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(again.output).toContain('2 already in S3, 0 page-1 pictures copied, 0 problems.');
  });

  it('resumes an interrupted run and replaces a damaged copy in the bucket', async () => {
    const { firm, docs } = await firmWithDocuments(3);
    // An earlier run that stopped after one file, and left a torn object for another.
    const fs = new FilesystemBlobStore(`${getConfig().DATA_DIR}/blobs`);
    await bucket.put(docs[0].blobKey, await readBlob(fs, docs[0].blobKey));
    await bucket.put(docs[1].blobKey, new TextEncoder().encode('%PDF-1.7 torn'));

    const result = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(
      /3 files checked: 2 copied .*, 1 already in S3, 0 page-1 pictures copied, 0 problems/
    );
    for (const doc of docs) expect(sha(await readBlob(bucket, doc.blobKey))).toBe(doc.sha256);
  });

  it('reports missing and damaged source files, copies the rest and exits 1', async () => {
    const { firm, docs } = await firmWithDocuments(3);
    const fs = new FilesystemBlobStore(`${getConfig().DATA_DIR}/blobs`);
    await fs.delete(docs[0].blobKey);
    await fs.put(docs[1].blobKey, await makePdf(1, 'Tampered'));

    const result = await migrate(['--to', 's3', '--firm', firm.slug]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(
      `✖ file-0.pdf (document ${docs[0].id}, blob ${docs[0].blobKey}): missing from the filesystem store`
    );
    expect(result.output).toContain(
      `✖ file-1.pdf (document ${docs[1].id}, blob ${docs[1].blobKey}): the filesystem copy does not match its SHA-256`
    );
    expect(result.output).toContain('3 files checked: 1 copied');
    expect(result.output).toContain('2 problems');
    expect(await bucket.exists(docs[0].blobKey)).toBe(false);
    expect(await bucket.exists(docs[1].blobKey)).toBe(false);
    expect(sha(await readBlob(bucket, docs[2].blobKey))).toBe(docs[2].sha256);
  });

  it('copies back to the filesystem with --to filesystem', async () => {
    const { firm, docs } = await firmWithDocuments(1);
    await migrate(['--to', 's3', '--firm', firm.slug]);
    const fs = new FilesystemBlobStore(`${getConfig().DATA_DIR}/blobs`);
    await fs.delete(docs[0].blobKey);
    const back = await migrate(['--to', 'filesystem', '--firm', firm.slug]);
    expect(back.code, back.output).toBe(0);
    expect(back.output).toContain('1 files checked: 1 copied'.replace('1 files', '1 file'));
    expect(sha(await readBlob(fs, docs[0].blobKey))).toBe(docs[0].sha256);
  });

  it('refuses bad usage with a clear message and copies nothing', async () => {
    const { firm, docs } = await firmWithDocuments(1);
    await expect(migrate([])).rejects.toThrow('--to must be "s3" or "filesystem"');
    await expect(migrate(['--to', 'ftp'])).rejects.toBeInstanceOf(UsageError);
    await expect(migrate(['--to', 's3', '--firm', firm.slug], {})).rejects.toThrow(
      'blobs:migrate needs the S3 settings: set S3_BUCKET'
    );
    await expect(migrate(['--to', 's3', '--firm', 'no-such-firm'])).rejects.toThrow(
      'No firm with the slug "no-such-firm".'
    );
    expect(await bucket.exists(docs[0].blobKey)).toBe(false);
  });
});

describe('npm run cli -- blobs:migrate', () => {
  it('runs from the command line', async () => {
    // On PostgreSQL the CLI shares the test database; PGlite admits one process per data
    // directory, so there it runs on a fresh, empty one.
    const postgres = getConfig().dbDriver === 'postgres';
    const { firm, docs } = await firmWithDocuments(2);
    const dataDir = postgres
      ? getConfig().DATA_DIR
      : mkdtempSync(path.join(os.tmpdir(), 'sheaf-cli-'));
    // Not spawnSync: s3rver runs in this process and must keep answering.
    const result = await run(
      process.execPath,
      [
        'node_modules/tsx/dist/cli.mjs',
        'scripts/cli.ts',
        'blobs:migrate',
        '--to',
        's3',
        ...(postgres ? ['--firm', firm.slug] : [])
      ],
      {
        env: {
          ...process.env,
          ...s3.env,
          DATABASE_URL: postgres ? getConfig().DATABASE_URL : '',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent'
        }
      }
    );
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    if (!postgres) {
      expect(result.stdout).toContain(
        'Done: 0 files checked: 0 copied (0\u00a0B), 0 already in S3, 0 page-1 pictures copied, 0 problems.'
      );
      rmSync(dataDir, { recursive: true, force: true });
      return;
    }
    expect(result.stdout).toContain('Done: 2 files checked: 2 copied');
    expect(result.stdout).toContain('Every file is in S3 and verified.');
    for (const doc of docs) expect(sha(await readBlob(bucket, doc.blobKey))).toBe(doc.sha256);
  }, 90_000); // a fresh migrated database in a process of its own
});
