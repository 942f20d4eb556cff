// `npm run cli -- <command> [options]`: uses the same DATABASE_URL / DATA_DIR as the server.
import { ConfigError, getConfig } from '../src/lib/server/config';
import { DatabaseBusyError, closeDatabase, openDatabase } from '../src/lib/server/db/client';
import { migrateDatabase } from '../src/lib/server/db/migrate';
import type { CliCommand } from './commands/types';
import { commands } from './commands/index';

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv.filter((a, i) => !(i === 0 && a === '--'));
  const command: CliCommand | undefined = name ? commands[name] : undefined;
  if (!command) {
    console.error(name ? `Unknown command "${name}".\n\n${usage()}` : usage());
    return name ? 1 : 0;
  }
  const config = getConfig();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: 4,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT * 1000,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT * 1000
  });
  try {
    await migrateDatabase(database);
    return (await command.run({ args, config, database })) ?? 0;
  } finally {
    if (!command.keepOpen) await closeDatabase();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof DatabaseBusyError) {
      console.error(error.message);
    } else if (error instanceof Error && error.name === 'UsageError') {
      console.error(error.message);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
);
