// A database of a test's own (a fresh in-memory PGlite, or a fresh PostgreSQL database for the
// postgres project), for tests that drain the whole outbox and must not meet other files' mail.
import { inject } from 'vitest';
import { openPgliteHandle, type DatabaseHandle, type Db } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import { createTestDatabase } from './postgres';

export interface ScratchDatabase {
  handle: DatabaseHandle;
  /** PostgreSQL only: the URL, so a test can open more pools or start child processes. */
  url?: string;
  /** Another handle on the same database with its own connection pool (PostgreSQL only). */
  openPool(): Promise<DatabaseHandle>;
  close(): Promise<void>;
}

export async function openScratchDatabase(): Promise<ScratchDatabase> {
  if (inject('databaseUrl')) {
    const database = await createTestDatabase('sheaf_email');
    const pools: DatabaseHandle[] = [];
    const openPool = async () => {
      const { default: postgres } = await import('postgres');
      const { drizzle } = await import('drizzle-orm/postgres-js');
      const client = postgres(database.url, { max: 4, onnotice: () => {} });
      const db = drizzle(client, { schema }) as unknown as Db;
      const handle: DatabaseHandle = {
        db,
        driver: 'postgres',
        withAdvisoryLock: (_key, fn) => fn(db),
        close: () => client.end({ timeout: 5 })
      };
      pools.push(handle);
      return handle;
    };
    const handle = await openPool();
    await migrateDatabase(handle);
    return {
      handle,
      url: database.url,
      openPool,
      async close() {
        for (const pool of pools) await pool.close();
        await database.drop();
      }
    };
  }
  const handle = await openPgliteHandle('memory://');
  await migrateDatabase(handle);
  return {
    handle,
    openPool: async () => handle,
    close: () => handle.close()
  };
}
