// PostgreSQL going away under load: `node build` on a fresh database reached through a TCP proxy
// on loopback (tests/support/tcp-proxy.ts) that the test cuts and restores, so the shared
// PostgreSQL server keeps running for everyone else. PostgreSQL only (PGlite is in-process).
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../src/lib/server/auth/session';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { startInstance, type Instance } from '../../support/cluster';
import { SESSION_COOKIE } from '../../support/server';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';
import { createTestDatabase } from '../../support/postgres';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { waitUntil } from '../../support/wait';

interface Sample {
  at: number;
  ms: number;
  status: number;
}

describe('PostgreSQL down mid-load', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let instance: Instance;
  let sql: postgres.Sql;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase('sheaf_faults');
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    instance = await startInstance({
      env: {
        DATABASE_URL: viaProxy.toString(),
        DB_POOL_MAX: '5',
        EMAIL_WORKER: 'false',
        LOG_LEVEL: 'warn'
      }
    });
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    db = drizzle(sql, { schema: s }) as unknown as Db;
  }, 180_000);

  afterAll(async () => {
    await instance?.stop();
    await proxy?.close();
    await sql?.end({ timeout: 5 });
    await database?.drop();
  });

  it('fails fast with 503 while it is gone, recovers within 5 s of its return, loses nothing', async () => {
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id, { name: 'Harbour Bakery Ltd' });
    const { contact, user } = await createContact(db, client, { name: 'Casey Baker' });
    const packet = await createPacket(db, client, { title: 'Q3 review' });
    await db
      .insert(s.delivery)
      .values({ firmId: firm.id, packetId: packet.id, version: 1, contactId: contact.id });
    const { token } = await createSession(db, user.id, 'client', {});
    const page = `${instance.url}/p/${packet.id}`;
    const headers = { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/html' };

    // An approval made before the cut.
    const approved = await fetch(`${page}?/approve`, {
      method: 'POST',
      headers: {
        ...headers,
        origin: instance.url,
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: `version=${packet.version}`,
      redirect: 'manual'
    });
    expect(approved.status).toBeLessThan(400);
    expect(
      await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id))
    ).toHaveLength(1);

    // Ten clients reloading the packet page without pause, all through the cut and the return.
    const samples: Sample[] = [];
    let running = true;
    const load = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (running) {
          const started = Date.now();
          let status: number;
          try {
            const r = await fetch(page, { headers, signal: AbortSignal.timeout(15_000) });
            await r.arrayBuffer();
            status = r.status;
          } catch {
            status = -1; // hung past 15 s or reset
          }
          samples.push({ at: started, ms: Date.now() - started, status });
          if (status !== 200) await new Promise((r) => setTimeout(r, 50));
        }
      })
    );
    // Each phase lasts until the samples the assertions below need are in (not fixed times).
    const answered = (from: number, status?: number) =>
      samples.filter((x) => x.at > from && (status === undefined || x.status === status)).length;
    await waitUntil('the load to be under way', () => answered(0, 200) >= 10);
    const cutAt = Date.now();
    await proxy.cut();
    await waitUntil('requests answered while it is gone', () => answered(cutAt + 200) > 10);

    // While it is gone: health check, the page and a signed-out action all say 503 at once.
    let started = Date.now();
    const health = await fetch(`${instance.url}/api/healthz`);
    expect(health.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await health.json()).toMatchObject({ ok: false });
    started = Date.now();
    const down = await fetch(page, { headers });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.text()).toContain('briefly unavailable');
    const signIn = await fetch(`${instance.url}/sign-in`, {
      method: 'POST',
      headers: {
        accept: 'text/html',
        origin: instance.url,
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: 'email=casey%40example.test',
      redirect: 'manual'
    });
    expect(signIn.status).toBe(503);
    expect(await signIn.text()).toContain('briefly unavailable');

    const restoredAt = Date.now();
    await proxy.restore();
    let recoveredAt = 0;
    while (Date.now() - restoredAt < 10_000) {
      const r = await fetch(page, { headers });
      await r.arrayBuffer();
      if (r.status === 200) {
        recoveredAt = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (recoveredAt) {
      await waitUntil('requests after the recovery', () => answered(recoveredAt + 200) > 10);
    }
    running = false;
    await load;

    expect(recoveredAt, 'the page never came back').toBeGreaterThan(0);
    expect(recoveredAt - restoredAt).toBeLessThan(5000);
    expect((await fetch(`${instance.url}/api/healthz`)).status).toBe(200);

    // Every answer was a page or a quick 503: nothing hung, nothing was a bare 500.
    const statuses = new Set(samples.map((x) => x.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    const during = samples.filter((x) => x.at > cutAt + 200 && x.at + x.ms < restoredAt);
    expect(during.length).toBeGreaterThan(10);
    expect(during.every((x) => x.status === 503)).toBe(true);
    const ms = during.map((x) => x.ms).sort((a, b) => a - b);
    console.log(
      `postgres down: ${during.length} requests answered 503, median ${ms[ms.length >> 1]} ms, max ${ms.at(-1)} ms; back ${recoveredAt - restoredAt} ms after its return`
    );
    expect(ms.at(-1)).toBeLessThan(3000);
    const after = samples.filter((x) => x.at > recoveredAt + 200);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((x) => x.status === 200)).toBe(true);

    // Nothing lost: the approval is still there and still shown.
    expect(
      await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id))
    ).toHaveLength(1);
    const html = await (await fetch(page, { headers })).text();
    expect(html).toMatch(/approved/i);
    expect(instance.child.exitCode).toBeNull();
  }, 180_000);
});
