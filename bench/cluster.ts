// Requests per second through the round-robin proxy with one instance behind it versus two, on
// one PostgreSQL database (tests/support/cluster.ts). The load is a signed-in client opening a
// packet page (session check + queries + server rendering), 32 at a time. Rounds alternate
// 1, 2, 1, 2, ... and the medians are compared. The proxy and the load generator share this
// process, so the ratio is a floor of what a real load balancer would show.
// Run: npx tsx bench/cluster.ts   (needs the test PostgreSQL server; see tests/support/postgres.ts)
import http from 'node:http';
import { createSession } from '../src/lib/server/auth/session';
import { sessionCookieName } from '../src/lib/server/config';
import { openClusterDb, startCluster } from '../tests/support/cluster';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../tests/support/factories';
import { postgresAvailable } from '../tests/support/postgres';

const ROUNDS = 3;
const TARGET = 1.5;
const SECONDS = 4;
const CONCURRENCY = 32;

function get(url: string, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
  });
}

async function measure(url: string, cookie: string): Promise<number> {
  const until = Date.now() + SECONDS * 1000;
  const started = Date.now();
  let ok = 0;
  let bad = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        if ((await get(url, cookie)) === 200) ok++;
        else bad++;
      }
    })
  );
  if (bad) throw new Error(`${bad} requests failed`);
  return ok / ((Date.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!(await postgresAvailable())) {
  console.log('summary: cluster skipped (no PostgreSQL server for tests)');
  process.exit(0);
}

const cluster = await startCluster({
  instances: 2,
  env: { MAIL_TRANSPORT: 'mailbox', LOG_LEVEL: 'warn', DB_POOL_MAX: '10' }
});
const { db, close } = openClusterDb(cluster.databaseUrl);
try {
  const { firm } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id);
  const { user } = await createContact(db, client);
  const packet = await createPacket(db, client, { title: 'Bench pack' });
  const { token } = await createSession(db, user.id, 'client', {});
  const cookie = `${sessionCookieName(cluster.url)}=${token}`;
  const url = `${cluster.url}/p/${packet.id}`;
  const both = cluster.instances.map((i) => i.url);

  cluster.proxy.targets = both;
  await measure(url, cookie); // warm-up: both instances compile their routes, fill pools
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    cluster.proxy.targets = [both[0]];
    one.push(await measure(url, cookie));
    cluster.proxy.targets = both;
    two.push(await measure(url, cookie));
    console.log(
      `round ${r + 1}: 1 instance ${one[r].toFixed(0)} req/s, 2 instances ${two[r].toFixed(0)} req/s`
    );
  }
  const a = median(one);
  const b = median(two);
  console.log(
    `summary: cluster 2/1 instances = ${(b / a).toFixed(2)}× req/s (target >= ${TARGET}; median of ${ROUNDS}: ` +
      `1 → ${a.toFixed(0)}/s, 2 → ${b.toFixed(0)}/s; ${CONCURRENCY} concurrent GET /p/[id] via proxy)`
  );
  process.exitCode = b / a >= TARGET ? 0 : 1;
} finally {
  await close();
  await cluster.stop();
}
