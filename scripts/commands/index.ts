import { blobsMigrate } from './blobs';
import { certificateVerify } from './certificate-verify';
import { clientsImport } from './clients-import';
import { firmCreate } from './firm-create';
import { picturesDraw } from './pictures';
import { reminders } from './reminders';
import { seedDemoCommand } from './seed-demo';
import type { CliCommand } from './types';
import { workerCommand } from './worker';

export const commands: Record<string, CliCommand> = {
  'firm:create': firmCreate,
  'db:migrate': {
    summary: 'apply the database migrations in drizzle/ (also done at every start)',
    async run({ config }) {
      console.log(`Migrations applied (${config.dbDriver}).`);
    }
  },
  'seed:demo': seedDemoCommand,
  worker: workerCommand,
  'blobs:migrate': blobsMigrate,
  'pictures:draw': picturesDraw,
  'clients:import': clientsImport,
  'certificate:verify': certificateVerify,
  reminders
};
