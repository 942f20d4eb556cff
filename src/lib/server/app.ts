import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getConfig, type Config } from './config';
import { openDatabase, closeDatabase, type DatabaseHandle } from './db/client';
import { migrateDatabase } from './db/migrate';
import { startEmailWorker } from './email/worker';
import { issueSetupToken } from './setup';
import { closeBlobStore } from './storage';

export interface AppState {
  config: Config;
  database: DatabaseHandle;
  stopWorker: () => Promise<void>;
}

const KEY = Symbol.for('sheaf.app');
type Holder = { [KEY]?: Promise<AppState> };
const holder = globalThis as Holder;

/** Opens and migrates the database, starts the worker and prints where things are. Idempotent. */
export function startApp(options: { quiet?: boolean } = {}): Promise<AppState> {
  holder[KEY] ??= boot(options.quiet ?? false);
  return holder[KEY];
}

async function boot(quiet: boolean): Promise<AppState> {
  const config = getConfig();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DB_POOL_MAX
  });
  await migrateDatabase(database);
  const setupToken = await issueSetupToken(database.db);
  if (setupToken) writeSetupUrl(config, `${config.origin}/setup?token=${setupToken}`);
  const stopWorker = config.emailWorker ? startEmailWorker(database, config) : async () => {};
  if (!quiet && config.LOG_LEVEL !== 'silent') {
    const where =
      config.dbDriver === 'postgres' ? 'PostgreSQL' : `PGlite in ${config.DATA_DIR}/pglite`;
    const lines = [
      `Sheaf is running at ${config.origin} (database: ${where})`,
      config.mailTransport === 'postmark'
        ? `Mail goes through Postmark (stream ${config.POSTMARK_MESSAGE_STREAM})`
        : `Mail goes to the dev mailbox: ${config.origin}/dev/mailbox`
    ];
    if (config.blobStore === 's3')
      lines.push(`Documents are stored in S3 bucket ${config.S3_BUCKET}`);
    else if (config.dbDriver === 'postgres') {
      // Another instance on the same database would not find the files this one keeps.
      lines.push(
        `Documents are stored on this machine (${config.DATA_DIR}/blobs): set S3_BUCKET before running more than one instance`
      );
    }
    if (!config.emailWorker) {
      lines.push('EMAIL_WORKER=false: queued mail waits for `npm run cli -- worker` to send it');
    }
    if (setupToken)
      lines.push(`First run: create your firm at ${config.origin}/setup?token=${setupToken}`);
    console.log(lines.join('\n'));
  }
  // adapter-node reads SHUTDOWN_TIMEOUT after this runs (handler.js awaits init before index.js
  // goes on): in-flight requests get this long after SIGTERM before their sockets are closed.
  process.env.SHUTDOWN_TIMEOUT ??= String(config.SHUTDOWN_TIMEOUT);
  process.once('sveltekit:shutdown' as 'exit', (reason: unknown) => void shutdown(reason));
  return { config, database, stopWorker };
}

/**
 * Also keeps the one-time setup link in DATA_DIR/setup-url.txt (owner-only), for when the start-up
 * banner has scrolled away; it stops working once a firm exists.
 */
function writeSetupUrl(config: Config, url: string): void {
  try {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(path.join(config.DATA_DIR, 'setup-url.txt'), `${url}\n`, { mode: 0o600 });
  } catch {
    // Best effort: the banner shows the link anyway.
  }
}

/**
 * adapter-node emits `sveltekit:shutdown` once the server has stopped listening and every
 * in-flight request has finished (or SHUTDOWN_TIMEOUT passed). Then the worker hands back its
 * claimed rows and the pool closes; with postgres.js open the process would otherwise hang.
 */
async function shutdown(reason: unknown): Promise<void> {
  const quiet = getConfig().LOG_LEVEL === 'silent';
  try {
    await stopApp();
    if (!quiet) console.log(`Sheaf stopped (${String(reason)}).`);
  } catch (error) {
    console.error('Error while shutting down:', error);
    process.exitCode = 1;
  }
  // Nothing should be left running; if a stray handle would keep the process alive, end it.
  setTimeout(() => process.exit(), 500).unref();
}

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`Shutdown: ${what} took longer than ${ms / 1000} s; going on without it`);
      resolve();
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Stops the worker (it hands back claimed outbox rows), the blob store and the database pool. */
export async function stopApp(): Promise<void> {
  const state = await holder[KEY];
  holder[KEY] = undefined;
  if (!state) return;
  await within(1500, state.stopWorker(), 'stopping the email worker');
  await within(500, closeBlobStore(), 'closing the blob store');
  await within(1500, closeDatabase(), 'closing the database');
}
