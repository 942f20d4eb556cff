import path from 'node:path';
import type { DatabaseHandle } from './client';

const MIGRATION_LOCK = 7_314_001;

/** Applies the committed migrations in drizzle/; safe when several instances start at once. */
export async function migrateDatabase(handle: DatabaseHandle, folder = 'drizzle'): Promise<void> {
  const migrationsFolder = path.resolve(folder);
  await handle.withAdvisoryLock(MIGRATION_LOCK, async (db) => {
    if (handle.driver === 'postgres') {
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await migrate(db as any, { migrationsFolder });
    } else {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await migrate(db as any, { migrationsFolder });
    }
  });
}
