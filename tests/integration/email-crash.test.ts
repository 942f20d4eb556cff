// The worker as its own process (`npm run cli -- worker`) killed with SIGKILL mid-drain, then
// started again: nothing is lost, and only the batch that was in flight is offered twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { openPgliteHandle, type Db } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import { enqueueEmail } from '../../src/lib/server/email/outbox';
import { startPostmarkStub, type PostmarkStub } from '../support/postmark-stub';
import { openScratchDatabase, type ScratchDatabase } from '../support/scratch-db';

const usePostgres = Boolean(inject('databaseUrl'));
let scratch: ScratchDatabase | undefined;
let dataDir = '';
let stub: PostmarkStub;

// PGlite lets one process open a data directory at a time, so on PGlite the test opens it only
// while no worker runs.
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

function startWorker(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'worker'], {
    cwd: path.resolve('.'),
    env: {
      ...process.env,
      DATABASE_URL: scratch?.url ?? '',
      DATA_DIR: dataDir || (process.env.DATA_DIR ?? os.tmpdir()),
      POSTMARK_SERVER_TOKEN: stub.token,
      POSTMARK_API_URL: stub.url,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) console.error(stderr);
      resolve(code);
    })
  );
  return { child, exited };
}

beforeAll(async () => {
  stub = await startPostmarkStub();
  if (usePostgres) scratch = await openScratchDatabase();
  else dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-crash-'));
}, 180_000);

afterAll(async () => {
  await stub?.close();
  await scratch?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('worker killed with SIGKILL mid-drain', () => {
  it('loses nothing and repeats at most the batch in flight', async () => {
    const addresses = Array.from({ length: 1200 }, (_, i) => `crash-${i}@example.test`);
    await withDb((db) =>
      db.transaction(async (tx) => {
        for (const to of addresses) {
          await enqueueEmail(tx, {
            kind: 'packet',
            to,
            subject: 'Review',
            html: '<p>x</p>',
            text: 'x'
          });
        }
      })
    );
    // First batch accepted, the second one hangs: the process dies while it is in flight.
    stub.answerNext('ok', 'hang');
    const first = startWorker();
    await stub.waitForCalls(2, 30_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const inFlight = new Set(stub.calls[1].messages.map((m) => m.To));
    expect(inFlight.size).toBe(500);
    await withDb(async (db) => {
      const all = await db
        .select({ status: schema.outbox.status, lockedBy: schema.outbox.lockedBy })
        .from(schema.outbox);
      const tally = new Map<string, number>();
      for (const r of all) {
        const key = `${r.status}:${r.lockedBy ? 'locked' : 'free'}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      const rows = [...tally].sort().map(([key, n]) => {
        const [status, lock] = key.split(':');
        return { status, locked: lock === 'locked', n };
      });
      expect(rows).toEqual([
        { status: 'pending', locked: false, n: 200 },
        { status: 'pending', locked: true, n: 500 },
        { status: 'sent', locked: false, n: 500 }
      ]);
      // Five minutes pass: the dead worker's claim goes stale.
      await db
        .update(schema.outbox)
        .set({ lockedAt: sql`now() - interval '6 minutes'` })
        .where(sql`locked_by is not null`);
    });

    const second = startWorker();
    const deadline = Date.now() + 30_000;
    while (stub.accepted.length < 1200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(addresses.every((a) => stub.acceptedTo(a) === 1)).toBe(true);
    const offered = new Map<string, number>();
    for (const call of stub.calls)
      for (const m of call.messages) offered.set(m.To, (offered.get(m.To) ?? 0) + 1);
    const repeated = [...offered].filter(([, n]) => n > 1).map(([to]) => to);
    expect(repeated.length).toBeLessThanOrEqual(500);
    expect(repeated.every((to) => inFlight.has(to))).toBe(true);
    await withDb(async (db) => {
      const rows = await db.select({ status: schema.outbox.status }).from(schema.outbox);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
    });
  }, 180_000);
});
