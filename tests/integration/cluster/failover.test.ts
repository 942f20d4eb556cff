// A rolling restart: SIGTERM to one of two instances while load runs through the proxy. The
// stopping instance finishes what it accepted and exits 0; the proxy sends what it refuses to
// the other one (as a load balancer does); every request gets a whole, correct answer.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../src/lib/server/auth/session';
import type { Db } from '../../../src/lib/server/db/client';
import { openClusterDb, startCluster, type Cluster } from '../../support/cluster';
import { SESSION_COOKIE } from '../../support/server';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';

let cluster: Cluster;
let db: Db;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  cluster = await startCluster({ instances: 2, env: { MAIL_TRANSPORT: 'mailbox' } });
  ({ db, close: closeDb } = openClusterDb(cluster.databaseUrl));
}, 120_000);

afterAll(async () => {
  await closeDb?.();
  await cluster?.stop();
});

type Outcome =
  | { kind: 'complete'; status: number; path: string; body: string; at: number }
  | { kind: 'failed'; path: string; error: string };

/** One GET through the proxy on its own connection; anything short of a whole answer fails. */
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

describe('SIGTERM to one of two instances under load', () => {
  it('the other keeps serving and no request is lost', async () => {
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
    const [stopping, survivor] = cluster.instances;
    const outcomes: Outcome[] = [];
    let signalledAt = 0;
    let exit: ReturnType<typeof stopping.stop> | undefined;
    let countsAtSignal: number[] = [];
    let nextIndex = 0;
    const workerLoop = async () => {
      while (nextIndex < paths.length) {
        const pathname = paths[nextIndex++];
        const outcome = await get(cluster.url, pathname, cookie);
        outcomes.push(outcome);
        if (!exit && outcomes.length >= 80) {
          signalledAt = Date.now();
          countsAtSignal = [...cluster.proxy.counts];
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
    // Load went on after the signal, and the survivor took it.
    expect(complete.filter((o) => o.at > signalledAt).length).toBeGreaterThan(100);
    const servedAfter = cluster.proxy.counts.map((n, i) => n - (countsAtSignal[i] ?? 0));
    expect(servedAfter[1]).toBeGreaterThan(100);

    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(10_000);
    expect(stopping.output()).toContain('Sheaf stopped (SIGTERM).');
    expect(stopping.output()).not.toMatch(/error/i);
    expect(survivor.child.exitCode).toBeNull();

    // Afterwards every request is answered by the survivor.
    for (let i = 0; i < 6; i++) {
      const after = await get(cluster.url, `/p/${packet.id}`, cookie);
      expect(after).toMatchObject({ kind: 'complete', status: 200 });
    }
    console.info(
      `failover: 400 requests, SIGTERM after 80; the stopping instance answered ` +
        `${servedAfter[0]} more and exited ${stopped.code} in ${stopped.ms} ms; the survivor ` +
        `answered ${servedAfter[1]}; ${cluster.proxy.retries} refused connections re-sent`
    );
  }, 90_000);
});
