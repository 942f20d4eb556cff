import { dev } from '$app/environment';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkMailTransport, getConfig, type Config } from './config';
import { makePrivateDir, PRIVATE_FILE_MODE, protectDataDir } from './data-dir';
import { openDatabase, closeDatabase, type DatabaseHandle } from './db/client';
import { startBackgroundWork } from './background';
import { stopPdfThread } from './pdf/pdf-thread';
import { migrateDatabase } from './db/migrate';
import { defaultBodySizeLimit } from './http/limits';
import { issueSetupToken } from './firm/setup-token';
import { closeBlobStore } from './storage';
import { vapidKeys } from './push/vapid';

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
  checkMailTransport(config);
  const { notOurs } = protectDataDir(config.DATA_DIR);
  if (notOurs.length && config.LOG_LEVEL !== 'silent') {
    console.warn(
      `Other users can read ${notOurs.join(', ')}, owned by another user: make them owner-only (chmod go-rwx)`
    );
  }
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT * 1000,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT * 1000
  });
  await migrateDatabase(database);
  // Made (or read) now, so every instance agrees on the key before a browser subscribes.
  await vapidKeys(database.db, config);
  const setupToken = await issueSetupToken(database.db, readSetupToken(config));
  if (setupToken) writeSetupUrl(config, `${config.origin}/setup?token=${setupToken}`);
  const startedWorker = config.emailWorker ? startBackgroundWork(database, config) : null;
  // Once: at the stop signal (no new batches claimed while requests finish) and again in stopApp.
  let workerStopped: Promise<void> | undefined;
  const stopWorker = () => (workerStopped ??= startedWorker?.() ?? Promise.resolve());
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
    // adapter-node read BODY_SIZE_LIMIT before this code ran; `npm start` sets it, `node build`
    // is told to (DEPLOY.md, the Dockerfile). Without it, adapter-node's 512K applies.
    if (!process.env.BODY_SIZE_LIMIT && !dev) {
      console.warn(
        `BODY_SIZE_LIMIT is not set, so PDFs over 512 KB are refused: set BODY_SIZE_LIMIT=${defaultBodySizeLimit(config.MAX_UPLOAD_MB)} (npm start does)`
      );
    }
  }
  // adapter-node reads SHUTDOWN_TIMEOUT after this runs (handler.js awaits init before index.js
  // goes on): in-flight requests get this long after SIGTERM before their sockets are closed.
  process.env.SHUTDOWN_TIMEOUT ??= String(config.SHUTDOWN_TIMEOUT);
  process.once('sveltekit:shutdown' as 'exit', (reason: unknown) => void shutdown(reason));
  // The in-process server of the integration tests lives in the test runner's process, whose
  // signals are the runner's business; so does `vite dev`'s (adapter-node, which stops the app on
  // a signal, is not there).
  if (config.NODE_ENV !== 'test' && !dev) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        startShutdownDeadline(signal);
        // The worker claims no new batch while requests finish, and hands back what it holds
        // with the whole deadline ahead of it rather than what the grace leaves.
        void stopWorker().catch(() => {});
      });
    }
  }
  return { config, database, stopWorker };
}

/**
 * From the stop signal to the process's exit, whatever is still running. The promise is 10 s;
 * the rest is left for a busy machine, where timers fire late and exiting takes a while (up to
 * 0.9 s measured while other test runs shared the machine's two cores).
 */
const SHUTDOWN_DEADLINE_MS = 8_500;
let deadlineAt: number | undefined;
let stopped = false;

/**
 * Starts the one clock of a shutdown: adapter-node's grace for in-flight requests
 * (SHUTDOWN_TIMEOUT, at most 7 s) and then stopApp() share it, and at its end the process exits
 * whatever is left.
 */
function startShutdownDeadline(signal: string): void {
  if (deadlineAt !== undefined) return;
  deadlineAt = Date.now() + SHUTDOWN_DEADLINE_MS;
  setTimeout(() => {
    if (stopped) process.exit();
    console.error(
      `Shutdown: still running ${SHUTDOWN_DEADLINE_MS / 1000} s after ${signal}; exiting now`
    );
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
}

/** How long a shutdown step may take: its own cap, within what is left before the deadline. */
function budget(capMs: number, reserveMs = 0): number {
  if (deadlineAt === undefined) return capMs;
  return Math.max(0, Math.min(capMs, deadlineAt - reserveMs - Date.now()));
}

/** The token of the setup link this DATA_DIR last printed, or null. */
function readSetupToken(config: Config): string | null {
  try {
    const url = readFileSync(path.join(config.DATA_DIR, 'setup-url.txt'), 'utf8').trim();
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}

/**
 * Also keeps the one-time setup link in DATA_DIR/setup-url.txt (owner-only), for when the start-up
 * banner has scrolled away, and for the next start to print again; it stops working once a firm
 * exists.
 */
function writeSetupUrl(config: Config, url: string): void {
  try {
    makePrivateDir(config.DATA_DIR);
    writeFileSync(path.join(config.DATA_DIR, 'setup-url.txt'), `${url}\n`, {
      mode: PRIVATE_FILE_MODE
    });
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
    stopped = true;
    if (!quiet) console.log(`Sheaf stopped (${String(reason)}).`);
  } catch (error) {
    console.error('Error while shutting down:', error);
    process.exitCode = 1;
  }
  // Nothing should be left running; if a stray handle would keep the process alive, end it.
  setTimeout(() => process.exit(), budget(500)).unref();
}

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => {}); // a step given up on may still fail later: not an unhandled rejection
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`Shutdown: ${what} took longer than ${ms / 1000} s; going on without it`);
      resolve();
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops the worker (it hands back claimed outbox rows), the blob store and the thread that
 * draws page 1's pictures (a drawing under way is dropped: it is drawn when first asked for),
 * then closes the database pool. After a stop signal each step gets what is left before the
 * deadline, the database keeping the last 0.7 s for itself.
 */
export async function stopApp(): Promise<void> {
  const state = await holder[KEY];
  holder[KEY] = undefined;
  if (!state) return;
  const first = budget(1500, 700);
  await Promise.all([
    within(first, state.stopWorker(), 'stopping the email worker'),
    within(Math.min(first, 500), closeBlobStore(), 'closing the blob store'),
    within(Math.min(first, 500), stopPdfThread(), 'stopping the PDF thread')
  ]);
  await within(budget(1500, 100), closeDatabase(), 'closing the database');
}
