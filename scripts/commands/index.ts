import { blobsMigrate } from './blobs';
import { seedDemoCommand } from './seed-demo';
import type { CliCommand } from './types';
import { workerCommand } from './worker';

export const commands: Record<string, CliCommand> = {
  'db:migrate': {
    summary: 'apply the database migrations in drizzle/ (also done at every start)',
    async run({ config }) {
      console.log(`Migrations applied (${config.dbDriver}).`);
    }
  },
  'seed:demo': seedDemoCommand,
  worker: workerCommand,
  'blobs:migrate': blobsMigrate
};
