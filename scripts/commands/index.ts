import { clientsImport } from './clients-import';
import { reminders } from './reminders';
import type { CliCommand } from './types';

export const commands: Record<string, CliCommand> = {
  'db:migrate': {
    summary: 'apply the database migrations in drizzle/ (also done at every start)',
    async run({ config }) {
      console.log(`Migrations applied (${config.dbDriver}).`);
    }
  },
  'clients:import': clientsImport,
  reminders
};
