import { eq } from 'drizzle-orm';
import { formatBytes } from '../../src/lib/format/bytes';
import { getDb } from '../../src/lib/server/db/client';
import { firm } from '../../src/lib/server/db/schema';
import {
  FilesystemBlobStore,
  S3BlobStore,
  createBlobStore,
  type BlobStore
} from '../../src/lib/server/storage/index';
import { migrateBlobs } from '../../src/lib/server/storage/migrate';
import { parseOptions, UsageError, type CliCommand } from './types';

const USAGE = 'Usage: npm run cli -- blobs:migrate --to s3|filesystem [--firm <slug>]';

function describe(store: BlobStore): string {
  if (store instanceof S3BlobStore) {
    const { bucket, endpoint } = store.options;
    return `S3 bucket "${bucket}"${endpoint ? ` at ${endpoint}` : ''}`;
  }
  return `the filesystem (${(store as FilesystemBlobStore).root})`;
}

export const blobsMigrate: CliCommand = {
  summary: 'copy every document file to another blob store (--to s3), verified by SHA-256',
  async run({ args, config }) {
    const { options } = parseOptions(args);
    const target = options.to;
    if (target !== 's3' && target !== 'filesystem') {
      throw new UsageError(`${USAGE}\n--to must be "s3" or "filesystem".`);
    }
    if (!config.S3_BUCKET) {
      throw new UsageError(
        'blobs:migrate needs the S3 settings: set S3_BUCKET (and S3_ENDPOINT, S3_REGION, ' +
          'S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY as your store needs).'
      );
    }
    let firmIds: string[] | undefined;
    if (options.firm) {
      const [row] = await getDb()
        .select({ id: firm.id })
        .from(firm)
        .where(eq(firm.slug, options.firm));
      if (!row) throw new UsageError(`No firm with the slug "${options.firm}".`);
      firmIds = [row.id];
    }
    const s3 = createBlobStore(config) as S3BlobStore;
    const fs = new FilesystemBlobStore(`${config.DATA_DIR}/blobs`);
    const [from, to] = target === 's3' ? [fs, s3] : [s3, fs];
    console.log(`Copying document files from ${describe(from)} to ${describe(to)}…`);
    try {
      const summary = await migrateBlobs({
        db: getDb(),
        from,
        to,
        firmIds,
        onBlob(done) {
          if (done % 100 === 0) console.log(`  ${done} checked…`);
        }
      });
      for (const p of summary.problems) {
        console.error(
          `  ✖ ${p.filename} (document ${p.documentId}, blob ${p.blobKey}): ${p.reason}`
        );
      }
      const where = to.kind === 's3' ? 'S3' : 'the filesystem';
      console.log(
        `Done: ${summary.total} file${summary.total === 1 ? '' : 's'} checked: ` +
          `${summary.copied} copied (${formatBytes(summary.copiedBytes)}), ` +
          `${summary.alreadyThere} already in ${where}, ` +
          `${summary.pictures} page-1 picture${summary.pictures === 1 ? '' : 's'} copied, ` +
          `${summary.problems.length} problem${summary.problems.length === 1 ? '' : 's'}.`
      );
      if (summary.problems.length) {
        console.error('Some files were not copied; fix the problems above and run it again.');
        return 1;
      }
      if (target === 's3' && summary.total > 0) {
        console.log(
          'Every file is in S3 and verified. Keep S3_BUCKET set on every instance; the files ' +
            `under ${fs.root} can be archived once you are happy.`
        );
      }
      return 0;
    } finally {
      await s3.close();
    }
  }
};
