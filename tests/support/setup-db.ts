// Runs before each integration test file. One database per worker process (PGlite in memory, or
// the run's fresh PostgreSQL database), migrated once; tests isolate themselves by creating their
// own firms, users and clients with unique names (see factories.ts).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { resetConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/client';
import { migrateDatabase } from '../../src/lib/server/db/migrate';

const KEY = Symbol.for('sheaf.test.db-ready');
const g = globalThis as { [KEY]?: Promise<void> };

g[KEY] ??= (async () => {
  const databaseUrl = inject('databaseUrl');
  process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'sheaf-test-'));
  process.env.LOG_LEVEL = 'silent';
  process.env.EMAIL_WORKER = 'false';
  process.env.NODE_ENV = 'test';
  // adapter-node then takes the client IP from x-forwarded-for, so tests can vary it.
  process.env.ADDRESS_HEADER = 'x-forwarded-for';
  // adapter-node assumes https unless told; TestBrowser says http, so Origin checks match.
  process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else delete process.env.DATABASE_URL;
  delete process.env.POSTMARK_SERVER_TOKEN;
  // The built app reads its configuration once, so the webhook's credentials are set up front.
  process.env.POSTMARK_WEBHOOK_USER = 'postmark-test';
  process.env.POSTMARK_WEBHOOK_PASSWORD = 'webhook-secret';
  resetConfig();
  const handle = await openDatabase(
    databaseUrl ? { databaseUrl, poolMax: 5 } : { dataDir: 'memory://' }
  );
  await migrateDatabase(handle);
})();

await g[KEY];
