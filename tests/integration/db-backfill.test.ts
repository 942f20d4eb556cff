// Backfilling migrations on a database made before them. 0004: contacts keep seeing what they saw
// (the current version's details, removals in force), removals are dated to the version that
// carried them, and every contact keeps the name the firm gave. 0006: comments say who wrote
// them and which questions staff already answered; every client gets a responsible member. 0008:
// documents get display names from their file names. 0013 moves no data: rows written before it
// keep their message in outbox.payload and are claimed with it. On the database of the running
// project.
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { enqueueEmails } from '../../src/lib/server/email/outbox';
import { claimDueEmails } from '../../src/lib/server/email/outbox-claims';
import { createTestDatabase } from '../support/postgres';

/** The committed migrations up to (not including) `tag`, in a folder of their own. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-migrations-'));
  cpSync('drizzle', dir, { recursive: true });
  const file = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.startsWith(tag));
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(file, JSON.stringify(journal));
  return dir;
}

type Query = (text: string) => Promise<Record<string, unknown>[]>;

async function withDatabase(
  run: (query: Query, migrate: (folder: string) => Promise<void>, db: Db) => Promise<void>
) {
  if (process.env.SHEAF_TEST_DB === 'postgres') {
    const database = await createTestDatabase('sheaf_backfill');
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const db = drizzlePostgres(sql, { schema });
      await run(
        async (text) => [...(await sql.unsafe(text))] as Record<string, unknown>[],
        (folder) => migratePostgres(db, { migrationsFolder: folder }),
        db as unknown as Db
      );
    } finally {
      await sql.end();
      await database.drop();
    }
  } else {
    const client = new PGlite();
    try {
      const db = drizzlePglite(client, { schema });
      await run(
        async (text) => (await client.exec(text)).at(-1)?.rows ?? [],
        (folder) => migratePglite(db, { migrationsFolder: folder }),
        db as unknown as Db
      );
    } finally {
      await client.close();
    }
  }
}

describe('backfilling migrations on existing data', () => {
  it('0004 keeps what contacts saw and dates old removals to the version that carried them', async () => {
    await withDatabase(async (query, migrate) => {
      await migrate(migrationsBefore('0003'));
      await query(`
        insert into firm (id, name, slug) values ('00000000-0000-4000-8000-000000000001', 'Firm', 'f');
        insert into "user" (id, email, name) values ('00000000-0000-4000-8000-000000000002', 'c@x.test', 'Casey');
        insert into client (id, firm_id, name, code) values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'Client', 'C');
        insert into client_contact (id, firm_id, client_id, user_id) values ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002');
        insert into packet (id, firm_id, client_id, title, period, note, status, version, published_at, updated_at)
          values ('00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'Q3 review', '2026-Q3', 'Note', 'published', 3, '2026-10-03', '2026-10-03'),
                 ('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'Draft', '2026-Q4', '', 'draft', 0, null, '2026-10-03');
        insert into delivery (firm_id, packet_id, version, contact_id, created_at) values
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 1, '00000000-0000-4000-8000-000000000004', '2026-10-01'),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 2, '00000000-0000-4000-8000-000000000004', '2026-10-02'),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 3, '00000000-0000-4000-8000-000000000004', '2026-10-03');
        insert into document (firm_id, packet_id, version, filename, blob_key, bytes, sha256, pages, removed_at) values
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 1, 'kept.pdf', 'k1', 1, 'x', 1, null),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 1, 'gone-in-v2.pdf', 'k2', 1, 'x', 1, '2026-10-01 12:00'),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 2, 'gone-since-v3.pdf', 'k3', 1, 'x', 1, '2026-10-04');
      `);
      await migrate('drizzle');

      expect(await query(`select name from client_contact`)).toEqual([{ name: 'Casey' }]);
      const docs = await query(`select filename, removed_version from document order by filename`);
      expect(docs).toEqual([
        { filename: 'gone-in-v2.pdf', removed_version: 2 },
        // Removed after the last publish: it was already hidden, and stays so.
        { filename: 'gone-since-v3.pdf', removed_version: 3 },
        { filename: 'kept.pdf', removed_version: null }
      ]);
      const versions = await query(
        `select packet_id, version, title, note from packet_version order by packet_id`
      );
      expect(versions).toEqual([
        {
          packet_id: '00000000-0000-4000-8000-000000000005',
          version: 3,
          title: 'Q3 review',
          note: 'Note'
        }
      ]);
    });
  }, 180_000);

  it('0006 names who wrote each comment, what staff answered, and who looks after each client', async () => {
    await withDatabase(async (query, migrate) => {
      await migrate(migrationsBefore('0005'));
      const F = '00000000-0000-4000-8000-0000000000';
      await query(`
        insert into firm (id, name, slug) values ('${F}01', 'Firm', 'f'), ('${F}02', 'Other', 'o');
        insert into "user" (id, email) values ('${F}10', 'owner@x.test'), ('${F}11', 'late-owner@x.test'),
          ('${F}12', 'staff@x.test'), ('${F}13', 'client@x.test'), ('${F}14', 'other-owner@x.test');
        insert into membership (firm_id, user_id, role, created_at) values
          ('${F}01', '${F}11', 'owner', '2026-02-01'), ('${F}01', '${F}10', 'owner', '2026-01-01'),
          ('${F}01', '${F}12', 'staff', '2025-01-01'), ('${F}02', '${F}14', 'owner', '2026-01-01');
        insert into client (id, firm_id, name, code) values ('${F}20', '${F}01', 'Client', 'C'), ('${F}21', '${F}02', 'Elsewhere', 'E');
        insert into packet (id, firm_id, client_id, title, period, status, version)
          values ('${F}30', '${F}01', '${F}20', 'Q3 review', '2026-Q3', 'published', 1);
        insert into comment (id, firm_id, packet_id, author_id, body, at) values
          ('${F}40', '${F}01', '${F}30', '${F}13', 'first question', '2026-10-01'),
          ('${F}41', '${F}01', '${F}30', '${F}13', 'second question', '2026-10-02'),
          ('${F}42', '${F}01', '${F}30', '${F}12', 'staff answer', '2026-10-03'),
          ('${F}43', '${F}01', '${F}30', '${F}13', 'still open', '2026-10-04');
      `);
      await migrate('drizzle');

      const comments = await query(
        `select body, author_kind, answered_at is not null as answered, answered_by from comment order by at`
      );
      expect(comments).toEqual([
        { body: 'first question', author_kind: 'contact', answered: true, answered_by: `${F}12` },
        { body: 'second question', author_kind: 'contact', answered: true, answered_by: `${F}12` },
        { body: 'staff answer', author_kind: 'staff', answered: false, answered_by: null },
        { body: 'still open', author_kind: 'contact', answered: false, answered_by: null }
      ]);
      // The firm's first owner, not its earliest member nor another firm's owner.
      expect(await query(`select name, responsible_user_id from client order by name`)).toEqual([
        { name: 'Client', responsible_user_id: `${F}10` },
        { name: 'Elsewhere', responsible_user_id: `${F}14` }
      ]);
    });
  }, 180_000);

  it('0008 gives every document a display name from its file name', async () => {
    await withDatabase(async (query, migrate) => {
      await migrate(migrationsBefore('0007'));
      const F = '00000000-0000-4000-8000-0000000000';
      await query(`
        insert into firm (id, name, slug) values ('${F}01', 'Firm', 'f');
        insert into client (id, firm_id, name, code) values ('${F}20', '${F}01', 'Client', 'C');
        insert into packet (id, firm_id, client_id, title, period) values ('${F}30', '${F}01', '${F}20', 'Q3', '2026-Q3');
        insert into document (firm_id, packet_id, filename, blob_key, bytes, sha256, pages, position) values
          ('${F}01', '${F}30', 'Balance_sheet-Q3_2026.pdf', 'a', 1, 'x', 1, 0),
          ('${F}01', '${F}30', 'v1.2 notes.pdf', 'b', 1, 'x', 1, 1),
          ('${F}01', '${F}30', '__.pdf', 'c', 1, 'x', 1, 2);
      `);
      await migrate('drizzle');
      expect(await query(`select display_name from document order by position`)).toEqual([
        { display_name: 'Balance sheet Q3 2026' },
        { display_name: 'v1.2 notes' },
        { display_name: '__.pdf' }
      ]);
      expect(await query(`select approval_rule from firm`)).toEqual([{ approval_rule: 'any' }]);
    });
  }, 180_000);
  it('0013 leaves rows written before it to be claimed with their message in outbox.payload', async () => {
    await withDatabase(async (query, migrate, db) => {
      await migrate(migrationsBefore('0013'));
      await query(`
        insert into outbox (kind, payload) values ('packet', '{"to": "a@x.test", "subject": "Q3"}');
        insert into outbox (kind, payload, locked_by, locked_at)
          values ('sign_in', '{"to": "b@x.test", "subject": "Sign in"}', 'old-worker', now());
        insert into outbox (kind, channel, payload)
          values ('packet', 'push', '{"subscriptionId": "s1", "title": "T"}');
      `);
      await migrate('drizzle');
      expect(await query(`select count(*)::int as n from outbox_message`)).toEqual([{ n: 0 }]);
      const claimed = await claimDueEmails(db, 'new-worker', {
        batchSize: 10,
        staleLockMs: 60_000,
        channels: ['email', 'push']
      });
      // The row the old instance's worker holds stays with it until its claim goes stale.
      expect(claimed.map((c) => [c.id, c.channel, c.message])).toEqual([
        [1, 'email', { to: 'a@x.test', subject: 'Q3' }],
        [3, 'push', { subscriptionId: 's1', title: 'T' }]
      ]);
      // Rows written now keep their message apart, and draw their ids after the old ones.
      const [id] = await db.transaction((tx) =>
        enqueueEmails(tx, [{ kind: 'packet', to: 'c@x.test', subject: 'New', html: '', text: '' }])
      );
      expect(id).toBe(4);
      expect(
        await query(`select o.payload, m.payload->>'to' as to
          from outbox o join outbox_message m on m.outbox_id = o.id`)
      ).toEqual([{ payload: null, to: 'c@x.test' }]);
    });
  }, 180_000);
});
