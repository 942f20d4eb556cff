// A throw-away Sheaf install with one client contact, a packet of realistic statements and a
// signed-in session, served by the built app (`node build`). Used by bench/viewer.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { resetConfig } from '../../src/lib/server/config';
import { closeDatabase, openDatabase, setDatabase } from '../../src/lib/server/db/client';
import { migrateDatabase } from '../../src/lib/server/db/migrate';
import * as s from '../../src/lib/server/db/schema';
import { recordPacketVersion } from '../../src/lib/server/review/published';
import { createSession } from '../../src/lib/server/auth/session';
import { getBlobStore, newBlobKey, setBlobStore } from '../../src/lib/server/storage';
import { ensurePreviews } from '../../src/lib/server/pdf/preview';

/** A bank statement: a header and a table of transactions on every page. */
export async function makeStatement(pages: number, title: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let balance = 12_480.55;
  for (let p = 1; p <= pages; p++) {
    const page = pdf.addPage([595, 842]);
    page.drawRectangle({ x: 0, y: 782, width: 595, height: 60, color: rgb(0.12, 0.44, 0.36) });
    page.drawText(title, { x: 40, y: 806, size: 18, font: bold, color: rgb(1, 1, 1) });
    page.drawText(`Harbour Bakery Ltd · Account 40-12-77 11223344 · Page ${p} of ${pages}`, {
      x: 40,
      y: 752,
      size: 10,
      font
    });
    const cols = [40, 110, 360, 440, 510];
    ['Date', 'Description', 'Paid out', 'Paid in', 'Balance'].forEach((h, i) =>
      page.drawText(h, { x: cols[i], y: 720, size: 10, font: bold })
    );
    for (let r = 0; r < 30; r++) {
      const y = 700 - r * 21;
      const amount = ((p * 37 + r * 53) % 900) + 12.4;
      const out = (p + r) % 3 !== 0;
      balance += out ? -amount : amount;
      if (r % 2 === 0) {
        page.drawRectangle({
          x: 36,
          y: y - 5,
          width: 523,
          height: 19,
          color: rgb(0.96, 0.96, 0.94)
        });
      }
      const day = String(((p * 3 + r) % 28) + 1).padStart(2, '0');
      page.drawText(`${day}/08/2026`, { x: cols[0], y, size: 9.5, font });
      page.drawText(
        out
          ? `CARD PAYMENT ${['FLOUR MILLS', 'DAIRY CO', 'ENERGY LTD'][r % 3]}`
          : 'FASTER PAYMENT RECEIVED',
        {
          x: cols[1],
          y,
          size: 9.5,
          font
        }
      );
      page.drawText(out ? amount.toFixed(2) : '', { x: cols[2], y, size: 9.5, font });
      page.drawText(out ? '' : amount.toFixed(2), { x: cols[3], y, size: 9.5, font });
      page.drawText(balance.toFixed(2), { x: cols[4], y, size: 9.5, font });
    }
  }
  return pdf.save();
}

export interface ReviewFixture {
  dataDir: string;
  token: string;
  packetId: string;
  documents: { id: string; pages: number; bytes: Uint8Array }[];
}

/** Seeds a fresh PGlite data dir; closes it again so a server can open it. */
export async function seedReviewFixture(
  pageCounts: number[],
  options: { richInbox?: boolean } = {}
): Promise<ReviewFixture> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-bench-'));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  process.env.LOG_LEVEL = 'silent';
  resetConfig();
  setBlobStore(undefined);
  const handle = await openDatabase({ dataDir });
  setDatabase(handle);
  await migrateDatabase(handle);
  const db = handle.db;
  const [firm] = await db
    .insert(s.firm)
    .values({ name: 'Smith & Co Bookkeeping', slug: `smith-${Date.now()}`, brandColor: '#1f6f5c' })
    .returning();
  const [user] = await db
    .insert(s.user)
    .values({ email: `casey-${Date.now()}@example.test`, name: 'Casey Baker' })
    .returning();
  const [client] = await db
    .insert(s.client)
    .values({ firmId: firm.id, name: 'Harbour Bakery Ltd', code: 'HB01' })
    .returning();
  const [contact] = await db
    .insert(s.clientContact)
    .values({ firmId: firm.id, clientId: client.id, userId: user.id })
    .returning();
  const [packet] = await db
    .insert(s.packet)
    .values({
      firmId: firm.id,
      clientId: client.id,
      title: 'Quarterly review',
      period: '2026-Q3',
      note: 'Hi Casey, here are your Q3 statements and the VAT summary. Please check the bank statement and approve, or ask us about anything that looks wrong.',
      dueAt: new Date(Date.now() + 5 * 86_400_000),
      status: 'published',
      version: 1,
      publishedAt: new Date()
    })
    .returning();
  await recordPacketVersion(db, packet, null);
  await db.insert(s.delivery).values({
    firmId: firm.id,
    packetId: packet.id,
    version: 1,
    contactId: contact.id,
    status: 'delivered'
  });
  const documents: ReviewFixture['documents'] = [];
  for (const [i, pages] of pageCounts.entries()) {
    const bytes = await makeStatement(
      pages,
      pages > 10 ? 'Business current account' : 'VAT return summary'
    );
    const blobKey = newBlobKey();
    await getBlobStore().put(blobKey, bytes);
    const [doc] = await db
      .insert(s.document)
      .values({
        firmId: firm.id,
        packetId: packet.id,
        version: 1,
        filename: pages > 10 ? `Bank statement Q3 (${pages} pages).pdf` : 'VAT return summary.pdf',
        displayName: pages > 10 ? `Bank statement Q3 (${pages} pages)` : 'VAT return summary',
        blobKey,
        bytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        pages,
        pageWidth: 595,
        pageHeight: 842,
        position: i
      })
      .returning();
    // As an upload does: page 1's pictures are drawn when the document arrives.
    await ensurePreviews(blobKey);
    documents.push({ id: doc.id, pages, bytes });
  }
  if (options.richInbox) await addInboxHistory(db, { firm, user, client, contact, packet });
  const { token } = await createSession(db, user.id, 'client');
  await closeDatabase();
  return { dataDir, token, packetId: packet.id, documents };
}

type Db = Awaited<ReturnType<typeof openDatabase>>['db'];

/** Older packets, a second business and a question thread, for screenshots of a lived-in inbox. */
async function addInboxHistory(
  db: Db,
  f: { firm: s.Firm; user: s.User; client: s.Client; contact: s.ClientContact; packet: s.Packet }
) {
  const [staff] = await db
    .insert(s.user)
    .values({ email: `sam-${Date.now()}@smith.test`, name: 'Sam at Smith & Co' })
    .returning();
  await db.insert(s.membership).values({ firmId: f.firm.id, userId: staff.id, role: 'staff' });
  await db.insert(s.comment).values([
    {
      firmId: f.firm.id,
      packetId: f.packet.id,
      authorId: f.user.id,
      body: 'The £412.40 to Dairy Co on 14 August — was that split with the café?',
      page: 3,
      at: new Date(Date.now() - 26 * 3600_000)
    },
    {
      firmId: f.firm.id,
      packetId: f.packet.id,
      authorId: staff.id,
      body: 'Yes, half is recharged to the café; it shows on page 7 of the VAT summary.',
      at: new Date(Date.now() - 20 * 3600_000)
    }
  ]);
  const older = await db
    .insert(s.packet)
    .values(
      [
        { period: '2026-Q2', title: 'Quarterly review', published: 90 },
        { period: '2026-Q1', title: 'Quarterly review', published: 180 }
      ].map((p) => ({
        firmId: f.firm.id,
        clientId: f.client.id,
        title: p.title,
        period: p.period,
        status: 'published' as const,
        version: 1,
        publishedAt: new Date(Date.now() - p.published * 86_400_000)
      }))
    )
    .returning();
  for (const p of older) await recordPacketVersion(db, p, null);
  await db.insert(s.decision).values(
    older.map((p) => ({
      firmId: f.firm.id,
      packetId: p.id,
      version: 1,
      contactId: f.contact.id,
      kind: 'approve' as const
    }))
  );
  const [firm2] = await db
    .insert(s.firm)
    .values({
      name: 'Northgate Tax Partners',
      slug: `northgate-${Date.now()}`,
      brandColor: '#6d3fa8'
    })
    .returning();
  const [client2] = await db
    .insert(s.client)
    .values({ firmId: firm2.id, name: 'Casey Baker (personal)', code: 'CB01' })
    .returning();
  await db
    .insert(s.clientContact)
    .values({ firmId: firm2.id, clientId: client2.id, userId: f.user.id });
  const [personal] = await db
    .insert(s.packet)
    .values({
      firmId: firm2.id,
      clientId: client2.id,
      title: 'Self assessment 2025/26',
      period: '2026-Q3',
      status: 'published',
      version: 1,
      dueAt: new Date(Date.now() + 2 * 86_400_000),
      publishedAt: new Date(Date.now() - 3 * 86_400_000)
    })
    .returning();
  await recordPacketVersion(db, personal, null);
}

/** Starts `node build` on the data dir and waits for /api/healthz. */
export async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['build/index.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: origin,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      POSTMARK_SERVER_TOKEN: '',
      MAIL_TRANSPORT: 'mailbox',
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent'
    },
    stdio: ['ignore', 'ignore', 'inherit']
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${origin}/api/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the server did not start');
}
