// Documents in a cluster live in the shared S3-compatible store (s3rver on loopback here), never
// on one instance's disk: a PDF uploaded through instance A is served, Range requests included,
// by instance B, and by the proxy whichever instance answers.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../src/lib/server/auth/session';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { openClusterDb, startCluster, type Cluster } from '../../support/cluster';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf
} from '../../support/factories';
import { startLocalS3, type LocalS3 } from '../../support/s3';
import { SESSION_COOKIE, TestBrowser } from '../../support/server';

let s3: LocalS3;
let cluster: Cluster;
let db: Db;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  s3 = await startLocalS3('sheaf-cluster');
  cluster = await startCluster({ instances: 2, env: { ...s3.env, EMAIL_WORKER: 'false' } });
  ({ db, close: closeDb } = openClusterDb(cluster.databaseUrl));
}, 180_000);

afterAll(async () => {
  await closeDb?.();
  await cluster?.stop();
  await s3?.stop();
});

async function browserFor(userId: string, kind: 'staff' | 'client', base: string) {
  const browser = new TestBrowser();
  browser.base = base;
  browser.origin = cluster.url;
  const { token } = await createSession(db, userId, kind, { userAgent: browser.userAgent });
  browser.cookies.set(SESSION_COOKIE, token);
  return browser;
}

/** Every file under dir (recursively), or [] when it does not exist. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('two instances on one S3 store', () => {
  it('a PDF uploaded through A is served whole and in ranges by B', async () => {
    const [A, B] = cluster.instances;
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const packet = await createPacket(db, client, { status: 'draft', version: 0 });
    const bytes = await makePdf(3, 'Cluster statement');

    const uploader = await browserFor(staff.id, 'staff', A.url);
    const uploaded = await uploader.request('POST', `/firm/packets/${packet.id}/documents`, {
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      headers: { 'content-type': 'application/pdf', 'x-filename': 'Q3%20statement.pdf' }
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    const docId = uploaded.json<{ document: { id: string } }>().document.id;
    const [row] = await db.select().from(s.document).where(eq(s.document.id, docId));
    expect(row.bytes).toBe(bytes.byteLength);

    for (const instance of cluster.instances) {
      expect(instance.output()).toContain('Documents are stored in S3 bucket sheaf-cluster');
    }
    // The bytes are in the bucket, and on neither instance's disk.
    expect(filesUnder(path.join(s3.directory, s3.bucket)).join('\n')).toContain(row.blobKey);
    for (const instance of cluster.instances) {
      expect(filesUnder(path.join(instance.dataDir, 'blobs'))).toEqual([]);
    }

    // Staff on B read the draft's file.
    const staffAtB = await browserFor(staff.id, 'staff', B.url);
    const whole = await fetch(`${B.url}/api/files/${docId}`, {
      headers: {
        cookie: `${SESSION_COOKIE}=${staffAtB.cookies.get(SESSION_COOKIE)}`,
        'x-forwarded-for': staffAtB.ip
      }
    });
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const preview = await fetch(`${B.url}/firm/packets/${packet.id}/documents/${docId}`, {
      headers: {
        cookie: `${SESSION_COOKIE}=${staffAtB.cookies.get(SESSION_COOKIE)}`,
        'x-forwarded-for': staffAtB.ip
      }
    });
    expect(preview.status).toBe(200);
    expect(new Uint8Array(await preview.arrayBuffer())).toEqual(bytes);

    // Published, the client reads it on B with Range requests, as the PDF viewer does.
    await db
      .update(s.packet)
      .set({ status: 'published', version: 1, publishedAt: new Date() })
      .where(eq(s.packet.id, packet.id));
    await db.update(s.document).set({ version: 1 }).where(eq(s.document.id, docId));
    const reader = await browserFor(user.id, 'client', B.url);
    const head = await reader.request('GET', `/api/files/${docId}`, {
      headers: { range: 'bytes=0-1023' }
    });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-1023/${bytes.byteLength}`);
    const tailStart = bytes.byteLength - 500;
    const tail = await fetch(`${B.url}/api/files/${docId}`, {
      headers: {
        cookie: `${SESSION_COOKIE}=${reader.cookies.get(SESSION_COOKIE)}`,
        'x-forwarded-for': reader.ip,
        range: `bytes=${tailStart}-`
      }
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-length')).toBe('500');
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(tailStart));
    const first = await fetch(`${B.url}/api/files/${docId}`, {
      headers: {
        cookie: `${SESSION_COOKIE}=${reader.cookies.get(SESSION_COOKIE)}`,
        'x-forwarded-for': reader.ip,
        range: 'bytes=0-1023'
      }
    });
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes.slice(0, 1024));

    // Through the proxy, both instances serve the same bytes.
    reader.base = cluster.url;
    const before = [...cluster.proxy.counts];
    for (let i = 0; i < 4; i++) {
      const viaProxy = await fetch(`${cluster.url}/api/files/${docId}`, {
        headers: {
          cookie: `${SESSION_COOKIE}=${reader.cookies.get(SESSION_COOKIE)}`,
          range: 'bytes=100-199'
        }
      });
      expect(viaProxy.status).toBe(206);
      expect(new Uint8Array(await viaProxy.arrayBuffer())).toEqual(bytes.slice(100, 200));
    }
    expect(cluster.proxy.counts.map((n, i) => n - (before[i] ?? 0))).toEqual([2, 2]);
  });
});
