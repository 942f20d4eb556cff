// The signed-in clients bench/load.ts and bench/routes.ts visit: one firm; two statements (4 and
// 24 pages, page 1 drawn) stored once and shared by every document row; per client, two
// published packets (2026-Q2, 2026-Q3) of both statements; per contact, a delivery of each and
// a session. The blob store and DATA_DIR are the caller's.
import { createHash } from 'node:crypto';
import { createSession } from '../../src/lib/server/auth/session';
import { resetConfig } from '../../src/lib/server/config';
import { closeDatabase, openDatabase, type Db } from '../../src/lib/server/db/client';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import * as s from '../../src/lib/server/db/schema';
import { ensurePreviews } from '../../src/lib/server/pdf/preview';
import { recordPacketVersion } from '../../src/lib/server/review/published';
import { getBlobStore, newBlobKey, setBlobStore } from '../../src/lib/server/storage';
import { makeStatement } from './review-fixture';

export interface LoadVisit {
  /** The session token of one contact. */
  token: string;
  packets: { id: string; docs: string[] }[];
}

/** `contacts` contacts, four to a client (the last client may have fewer). */
export async function seedLoadClients(db: Db, contacts: number): Promise<LoadVisit[]> {
  const [firm] = await db
    .insert(s.firm)
    .values({ name: 'Load & Co', slug: 'load-co', brandColor: '#1f6f5c' })
    .returning();
  const files = [];
  for (const pages of [4, 24]) {
    const bytes = await makeStatement(pages, `Statement (${pages} pages)`);
    const blobKey = newBlobKey();
    await getBlobStore().put(blobKey, bytes);
    // Page 1's pictures, drawn at upload in the app, so the viewer's preload finds them.
    if (!(await ensurePreviews(blobKey))) throw new Error('could not draw page 1');
    files.push({ pages, bytes, blobKey, sha: createHash('sha256').update(bytes).digest('hex') });
  }
  const visits: LoadVisit[] = [];
  for (let c = 0; visits.length < contacts; c++) {
    const [client] = await db
      .insert(s.client)
      .values({ firmId: firm.id, name: `Client ${c}`, code: `C${c}` })
      .returning();
    const packets: LoadVisit['packets'] = [];
    for (const period of ['2026-Q2', '2026-Q3']) {
      const [packet] = await db
        .insert(s.packet)
        .values({
          firmId: firm.id,
          clientId: client.id,
          title: 'Quarterly review',
          period,
          note: 'Please review the statements and approve.',
          status: 'published',
          version: 1,
          publishedAt: new Date()
        })
        .returning();
      await recordPacketVersion(db, packet, null);
      const docs = await db
        .insert(s.document)
        .values(
          files.map((f, i) => ({
            firmId: firm.id,
            packetId: packet.id,
            version: 1,
            filename: `Statement ${i + 1}.pdf`,
            displayName: `Statement ${i + 1}`,
            blobKey: f.blobKey,
            bytes: f.bytes.byteLength,
            sha256: f.sha,
            pages: f.pages,
            position: i
          }))
        )
        .returning();
      packets.push({ id: packet.id, docs: docs.map((d) => d.id) });
    }
    for (let k = 0; k < 4 && visits.length < contacts; k++) {
      const [user] = await db
        .insert(s.user)
        .values({ email: `contact-${c}-${k}@load.test`, name: `Contact ${c}.${k}` })
        .returning();
      const [contact] = await db
        .insert(s.clientContact)
        .values({ firmId: firm.id, clientId: client.id, userId: user.id })
        .returning();
      for (const p of packets) {
        await db.insert(s.delivery).values({
          firmId: firm.id,
          packetId: p.id,
          version: 1,
          contactId: contact.id,
          status: 'delivered'
        });
      }
      const { token } = await createSession(db, user.id, 'client', { ip: '127.0.0.1' });
      visits.push({ token, packets });
    }
  }
  return visits;
}

/**
 * A fresh PostgreSQL database migrated and seeded with seedLoadClients, its files in `dataDir`
 * (as the server under test will read them), then closed: bench/load.ts and bench/cluster.ts.
 */
export async function seedLoadDatabase(
  databaseUrl: string,
  dataDir: string,
  contacts: number,
  poolMax: number
): Promise<LoadVisit[]> {
  process.env.DATA_DIR = dataDir;
  process.env.LOG_LEVEL = 'silent';
  resetConfig();
  setBlobStore(undefined);
  const handle = await openDatabase({ databaseUrl, poolMax });
  await migrateDatabase(handle);
  try {
    return await seedLoadClients(handle.db, contacts);
  } finally {
    await closeDatabase();
  }
}
