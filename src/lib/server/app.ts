import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getConfig, type Config } from './config';
import { openDatabase, closeDatabase, type DatabaseHandle } from './db/client';
import { migrateDatabase } from './db/migrate';
import { startEmailWorker } from './email/worker';
import { issueSetupToken } from './setup';

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
    if (setupToken)
      lines.push(`First run: create your firm at ${config.origin}/setup?token=${setupToken}`);
    console.log(lines.join('\n'));
  }
  process.once('sveltekit:shutdown' as 'exit', () => void stopApp());
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

/** Stops the worker and closes the database pool. */
export async function stopApp(): Promise<void> {
  const state = await holder[KEY];
  holder[KEY] = undefined;
  if (!state) return;
  await state.stopWorker();
  await closeDatabase();
}
