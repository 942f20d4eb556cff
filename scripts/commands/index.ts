import { firmCreate } from './firm-create';
import type { CliCommand } from './types';

export const commands: Record<string, CliCommand> = {
  'firm:create': firmCreate,
  'db:migrate': {
    summary: 'apply the database migrations in drizzle/ (also done at every start)',
    async run({ config }) {
      console.log(`Migrations applied (${config.dbDriver}).`);
    }
  }
};
