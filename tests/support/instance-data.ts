// A database for a server the test spawns (`node build`, `npm start`), made and seeded before
// the server starts: PGlite in a data directory of its own, or a fresh PostgreSQL database.
// PGlite admits one process at a time, so `use` opens it only while no server holds it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createSession } from '../../src/lib/server/auth/session';
import { openPgliteHandle, type Db } from '../../src/lib/server/db/client';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import { openClusterDb } from './cluster';
import { createClient, createFirmWithStaff, createPacket } from './factories';
import { createTestDatabase } from './postgres';
import { SESSION_COOKIE } from './server';

export interface InstanceDatabase {
  driver: 'pglite' | 'postgres';
  /** DATA_DIR and DATABASE_URL for the server. */
  env: Record<string, string>;
  /** Runs fn on the database (PGlite: only while no server has it open). */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

export async function createInstanceDatabase(
  driver: 'pglite' | 'postgres'
): Promise<InstanceDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-seeded-'));
  if (driver === 'postgres') {
    const database = await createTestDatabase('sheaf_instance');
    const { db, close } = openClusterDb(database.url);
    await migrateDatabase({
      db,
      driver: 'postgres',
      withAdvisoryLock: (_key, fn) => fn(db),
      close
    });
    return {
      driver,
      env: { DATA_DIR: dataDir, DATABASE_URL: database.url },
      use: (fn) => fn(db),
      async drop() {
        await close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    };
  }
  return {
    driver,
    env: { DATA_DIR: dataDir, DATABASE_URL: '' },
    async use(fn) {
      const handle = await openPgliteHandle(path.join(dataDir, 'pglite'));
      try {
        await migrateDatabase(handle);
        return await fn(handle.db);
      } finally {
        await handle.close();
      }
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/** A firm, one of its staff signed in (the cookie to send), a client and a draft packet. */
export async function seedStaffWithDraft(db: Db) {
  const { firm, staff } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const packet = await createPacket(db, client, { status: 'draft', version: 0 });
  const { token } = await createSession(db, staff.id, 'staff', { userAgent: 'Sheaf-Test' });
  return { firm, staff, client, packet, token, cookie: `${SESSION_COOKIE}=${token}` };
}

/** A valid one-page PDF of at least minBytes: the bulk is an attached file of random bytes. */
export async function makePdfOfSize(minBytes: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([612, 792]).drawText('Ledger export', { x: 56, y: 720, size: 18, font });
  await pdf.attach(randomBytes(minBytes), 'ledger.bin', { mimeType: 'application/octet-stream' });
  return pdf.save();
}
