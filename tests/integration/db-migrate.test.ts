// `npm run db:migrate` on an empty database, run the way a user runs it (the CLI in its own
// process), on the database of the project running this file; then, on PostgreSQL, a server
// stopped and started again finds what it left.
import { PGlite } from '@electric-sql/pglite';
import { readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres';
import { cleanEnv, freePort, runScript, type Running } from '../support/process';

const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as {
  entries: { tag: string }[];
};
const onPostgres = process.env.SHEAF_TEST_DB === 'postgres';

async function cli(args: string[], env: Record<string, string>) {
  const run = runScript('scripts/cli.ts', args, cleanEnv(env));
  const code = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

const migrationsQuery = 'select count(*)::int as n from drizzle.__drizzle_migrations';
const tablesQuery = `select count(*)::int as n from information_schema.tables
  where table_schema = 'public' and table_name in ('firm', 'packet', 'document', 'outbox', 'session')`;

describe.runIf(!onPostgres)('npm run db:migrate (PGlite)', () => {
  it('creates every table in a new data directory, once, and a second run changes nothing', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-migrate-'));
    const first = await cli(['db:migrate'], { DATA_DIR: dataDir });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('Migrations applied (pglite).');
    const again = await cli(['db:migrate'], { DATA_DIR: dataDir });
    expect(again.code).toBe(0);

    const db = new PGlite(path.join(dataDir, 'pglite'));
    try {
      const migrations = await db.query<{ n: number }>(migrationsQuery);
      expect(migrations.rows[0].n).toBe(journal.entries.length);
      const tables = await db.query<{ n: number }>(tablesQuery);
      expect(tables.rows[0].n).toBe(5);
    } finally {
      await db.close();
    }
  }, 180_000);
});

describe.runIf(onPostgres)('npm run db:migrate and restarts (PostgreSQL)', () => {
  it('migrates an empty database once; a restarted server keeps the firm made in between', async () => {
    const database = await createTestDatabase('sheaf_migrate');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-migrate-pg-'));
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const first = await cli(['db:migrate'], env);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toContain('Migrations applied (postgres).');
      expect((await cli(['db:migrate'], env)).code).toBe(0);
      expect((await sql.unsafe(migrationsQuery))[0].n).toBe(journal.entries.length);
      expect((await sql.unsafe(tablesQuery))[0].n).toBe(5);

      // A server on the empty database offers the first-run link...
      const port = await freePort();
      const start = () => {
        const app = runScript(
          'scripts/start.ts',
          [],
          cleanEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' })
        );
        running.push(app);
        return app;
      };
      const empty = start();
      // npm start builds first when the build is older than the sources.
      await empty.waitFor(/Listening on/, 240_000);
      expect(empty.stdout()).toContain('/setup?token=');
      expect(await empty.stop()).toBe(0);

      // ...a firm is made while it is stopped...
      const made = await cli(
        [
          'firm:create',
          '--name',
          'Restart & Co',
          '--owner-email',
          'owner@restart.example',
          '--owner-name',
          'Ann Owner'
        ],
        env
      );
      expect(made.code).toBe(0);

      // ...and the restarted server finds it: no setup link, and the firm is still there.
      const second = start();
      await second.waitFor(/Listening on/);
      expect(second.stdout()).not.toContain('/setup?token=');
      const health = await fetch(`http://127.0.0.1:${port}/api/healthz`);
      expect(await health.json()).toEqual({ ok: true, db: 'postgres' });
      expect(await second.stop()).toBe(0);
      const firms = await sql`select name from firm`;
      expect(firms.map((f) => f.name)).toEqual(['Restart & Co']);
    } finally {
      await sql.end();
      await database.drop();
    }
  }, 420_000);
});
