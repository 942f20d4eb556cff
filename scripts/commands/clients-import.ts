import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { firm } from '../../src/lib/server/db/schema';
import { importClientsCsv } from '../../src/lib/server/packets/csv-import';
import { parseOptions, UsageError, type CliCommand } from './types';

export const clientsImport: CliCommand = {
  summary:
    'clients:import FILE.csv --firm SLUG [--dry-run] [--invite]: add clients and contacts from CSV (--invite mails each new contact an invitation; without it nobody is mailed)',
  async run({ args, database }) {
    const { options, rest } = parseOptions(args);
    const file = rest[0];
    if (!file || !options.firm) throw new UsageError('usage: clients:import FILE.csv --firm SLUG');
    const [target] = await database.db.select().from(firm).where(eq(firm.slug, options.firm));
    if (!target) {
      console.error(`No firm with the slug "${options.firm}".`);
      return 1;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      console.error(`Cannot read ${file}.`);
      return 1;
    }
    const dryRun = options['dry-run'] === 'true';
    const result = await importClientsCsv(database.db, target, text, {
      dryRun,
      // Adding contacts mails nobody by itself; --no-invite (the old opt-out) is still accepted.
      invite: options.invite === 'true' && options['no-invite'] !== 'true'
    });
    if (result.fileError) {
      console.error(result.fileError);
      return 1;
    }
    for (const e of result.errors) console.error(`line ${e.line}: ${e.message}`);
    console.log(
      `${dryRun ? 'Dry run (nothing saved): ' : ''}${result.clientsCreated} new clients, ${result.contactsAdded} new contacts, ${result.unchanged} already there, ${result.errors.length} rows with errors.`
    );
    return result.errors.length ? 2 : 0;
  }
};
