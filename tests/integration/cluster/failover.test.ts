// A rolling restart: SIGTERM to one of two instances while load runs through a real nginx
// (Debian's package) configured as docs/DEPLOY.md recommends (tests/support/nginx.ts reads its
// nginx block). The stopping instance finishes what it accepted and exits 0; nginx sends what it
// refuses to the other one (proxy_next_upstream); every request gets a whole, correct answer.
// PostgreSQL project only. Under CI=true a missing nginx fails the test; elsewhere it is
// skipped, saying why.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../src/lib/server/auth/session';
import type { Db } from '../../../src/lib/server/db/client';
import { freePort, openClusterDb, startInstance, type Instance } from '../../support/cluster';
import { findNginx, startNginx, type Nginx } from '../../support/nginx';
import { createTestDatabase } from '../../support/postgres';
import { SESSION_COOKIE } from '../../support/server';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';

const nginxBin = findNginx();
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let instances: Instance[] = [];
let balancer: Nginx | undefined;
let db: Db;
let closeDb: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (!('bin' in nginxBin)) return;
  database = await createTestDatabase('sheaf_cluster');
  // Each instance's ORIGIN is the balancer's address, which it gets once they are up.
  const ports = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${await freePort()}`;
  instances = await Promise.all(
    ports.map((port) =>
      startInstance({
        port,
        env: {
          DATABASE_URL: database!.url,
          ORIGIN: origin,
          ADDRESS_HEADER: 'X-Forwarded-For',
          XFF_DEPTH: '1',
          DB_POOL_MAX: '5',
          MAIL_TRANSPORT: 'mailbox'
        }
      })
    )
  );
  balancer = await startNginx(
    nginxBin.bin,
    instances.map((i) => i.url),
    Number(new URL(origin).port)
  );
  ({ db, close: closeDb } = openClusterDb(database.url));
}, 180_000);

afterAll(async () => {
  await closeDb?.();
  await Promise.all(instances.map((i) => i.stop('SIGTERM')));
  await balancer?.stop();
  await database?.drop();
});

type Outcome =
  | { kind: 'complete'; status: number; path: string; body: string; at: number }
  | { kind: 'failed'; path: string; error: string };

/** One GET through nginx on its own connection; anything short of a whole answer fails. */
function get(base: string, pathname: string, cookie?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(
      `${base}${pathname}`,
      { agent: false, headers: cookie ? { cookie } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => resolve({ kind: 'failed', path: pathname, error: e.message }));
        res.on('aborted', () => resolve({ kind: 'failed', path: pathname, error: 'aborted' }));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          const length = res.headers['content-length'];
          if (!res.complete || (length !== undefined && Buffer.byteLength(body) !== Number(length)))
            resolve({ kind: 'failed', path: pathname, error: 'short body' });
          else
            resolve({
              kind: 'complete',
              status: res.statusCode ?? 0,
              path: pathname,
              body,
              at: Date.now()
            });
        });
      }
    );
    req.on('error', (e) => resolve({ kind: 'failed', path: pathname, error: e.message }));
  });
}

describe('SIGTERM to one of two instances under load, behind nginx', () => {
  it('the other keeps serving and no request is lost', async (ctx) => {
    if (!('bin' in nginxBin)) {
      if (process.env.CI === 'true') throw new Error(`CI=true and ${nginxBin.missing}`);
      console.warn(`failover skipped: ${nginxBin.missing}`);
      ctx.skip(nginxBin.missing);
    }
    const nginx = balancer!;
    const { firm } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { user } = await createContact(db, client);
    const packet = await createPacket(db, client, { title: 'Year-end pack' });
    const { token } = await createSession(db, user.id, 'client', {});
    const cookie = `${SESSION_COOKIE}=${token}`;

    // 400 requests, 16 at a time: the public home page, the health check and a signed-in
    // client's packet page (which reads the database).
    const paths = Array.from(
      { length: 400 },
      (_, i) => ['/', '/api/healthz', `/p/${packet.id}`][i % 3]
    );
    const [stopping, survivor] = instances;
    const outcomes: Outcome[] = [];
    let signalledAt = 0;
    let exit: ReturnType<typeof stopping.stop> | undefined;
    let nextIndex = 0;
    const workerLoop = async () => {
      while (nextIndex < paths.length) {
        const pathname = paths[nextIndex++];
        const outcome = await get(nginx.url, pathname, cookie);
        outcomes.push(outcome);
        if (!exit && outcomes.length >= 80) {
          signalledAt = Date.now();
          exit = stopping.stop('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, workerLoop));
    const stopped = await exit!;

    const failed = outcomes.filter((o) => o.kind === 'failed');
    expect(failed).toEqual([]);
    const complete = outcomes.filter((o) => o.kind === 'complete');
    expect(complete).toHaveLength(400);
    for (const o of complete) {
      expect(o.status, `${o.path}: ${o.body.slice(0, 200)}`).toBe(200);
      if (o.path === '/api/healthz') expect(JSON.parse(o.body)).toMatchObject({ ok: true });
      else if (o.path.startsWith('/p/')) expect(o.body).toContain('Year-end pack');
      else expect(o.body.trimEnd()).toMatch(/<\/html>$/);
    }
    // Load went on after the signal, and the survivor took it (nginx's access log: the last
    // upstream of each request answered it; more than one means nginx tried the next).
    expect(complete.filter((o) => o.at > signalledAt).length).toBeGreaterThan(100);
    const log = nginx.log();
    expect(log.filter((e) => e.status !== 200)).toEqual([]);
    const hosts = instances.map((i) => new URL(i.url).host);
    const after = log.filter((e) => e.at >= signalledAt);
    const servedAfter = hosts.map((h) => after.filter((e) => e.upstreams.at(-1) === h).length);
    const retried = log.filter((e) => e.upstreams.length > 1).length;
    expect(servedAfter[1]).toBeGreaterThan(100);

    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(10_000);
    expect(stopping.output()).toContain('Sheaf stopped (SIGTERM).');
    expect(stopping.output()).not.toMatch(/error/i);
    expect(survivor.child.exitCode).toBeNull();

    // Afterwards every request is answered by the survivor.
    for (let i = 0; i < 6; i++) {
      const later = await get(nginx.url, `/p/${packet.id}`, cookie);
      expect(later).toMatchObject({ kind: 'complete', status: 200 });
    }
    console.info(
      `failover (nginx): 400 requests, SIGTERM after 80; the stopping instance answered ` +
        `${servedAfter[0]} more and exited ${stopped.code} in ${stopped.ms} ms; the survivor ` +
        `answered ${servedAfter[1]}; nginx re-sent ${retried} to the next upstream`
    );
  }, 90_000);
});
