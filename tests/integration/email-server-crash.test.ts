// The server itself (`node build`, whose worker starts with it) killed with SIGKILL while
// Postmark holds the answer to a batch it has already taken, then started again: every message
// arrives, and only that one batch can arrive twice.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPgliteHandle, type Db } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import { enqueueEmails } from '../../src/lib/server/email/outbox';
import { startInstance, type Instance } from '../support/cluster';
import { startPostmarkStub, type PostmarkStub } from '../support/postmark-stub';
import { openScratchDatabase, type ScratchDatabase } from '../support/scratch-db';

const usePostgres = process.env.SHEAF_TEST_DB === 'postgres';
let scratch: ScratchDatabase | undefined;
let dataDir = '';
let stub: PostmarkStub;
const instances: Instance[] = [];

// PGlite lets one process open a data directory at a time: the test opens it only while no
// server runs.
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (scratch) return fn(scratch.handle.db);
  const handle = await openPgliteHandle(path.join(dataDir, 'pglite'));
  try {
    await migrateDatabase(handle);
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

async function startServer(): Promise<Instance> {
  const instance = await startInstance({
    env: {
      ...(scratch ? { DATABASE_URL: scratch.url! } : { DATA_DIR: dataDir }),
      POSTMARK_SERVER_TOKEN: stub.token,
      POSTMARK_API_URL: stub.url,
      LOG_LEVEL: 'warn'
    },
    // A fresh PGlite and its migrations take a while on a busy machine.
    waitMs: 90_000
  });
  instances.push(instance);
  return instance;
}

beforeAll(async () => {
  stub = await startPostmarkStub();
  if (usePostgres) scratch = await openScratchDatabase();
  else dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-server-crash-'));
}, 180_000);

afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL');
  await stub?.close();
  await scratch?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`server killed with SIGKILL mid-drain (${usePostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('loses nothing and sends only the batch in flight twice', async () => {
    const addresses = Array.from({ length: 1200 }, (_, i) => `server-crash-${i}@example.test`);
    await withDb((db) =>
      enqueueEmails(
        db,
        addresses.map((to) => ({
          kind: 'packet',
          to,
          subject: 'Review',
          html: '<p>x</p>',
          text: 'x'
        }))
      )
    );
    // The first batch is answered; Postmark takes the second and the server dies before the
    // answer reaches it.
    stub.answerNext('ok', 'accept-hang');
    const first = await startServer();
    await stub.waitForCalls(2, 30_000);
    // The worker now waits on the held answer (its timeout is 15 s).
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(stub.calls.map((c) => c.answer)).toEqual(['ok', 'accept-hang']);
    const inFlight = new Set(stub.calls[1].messages.map((m) => m.To));
    expect(inFlight.size).toBe(500);
    expect(stub.accepted).toHaveLength(1000);

    await withDb(async (db) => {
      const rows = await db
        .select({ status: schema.outbox.status, lockedBy: schema.outbox.lockedBy })
        .from(schema.outbox);
      // The first batch is marked sent; the second is still claimed by the dead server.
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(500);
      expect(rows.filter((r) => r.status === 'pending')).toHaveLength(700);
      // Five minutes pass: the dead server's claim goes stale.
      await db
        .update(schema.outbox)
        .set({ lockedAt: sql`now() - interval '6 minutes'` })
        .where(sql`locked_by is not null`);
    });

    const second = await startServer();
    const deadline = Date.now() + 60_000;
    while (!addresses.every((a) => stub.acceptedTo(a) > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = await second.stop('SIGTERM');
    expect(stopped.code).toBe(0);

    const times = new Map<string, number>();
    for (const m of stub.accepted) times.set(m.To, (times.get(m.To) ?? 0) + 1);
    expect(addresses.filter((a) => !times.get(a))).toEqual([]);
    const twice = [...times].filter(([, n]) => n > 1);
    expect(twice.every(([to, n]) => n === 2 && inFlight.has(to))).toBe(true);
    expect(twice.length).toBeLessThanOrEqual(500);
    await withDb(async (db) => {
      const rows = await db
        .select({ status: schema.outbox.status, lockedBy: schema.outbox.lockedBy })
        .from(schema.outbox);
      expect(rows).toHaveLength(1200);
      expect(rows.every((r) => r.status === 'sent' && r.lockedBy === null)).toBe(true);
    });
  }, 300_000);
});
