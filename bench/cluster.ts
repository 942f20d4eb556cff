// Requests per second through nginx with one `node build` instance behind it versus two, both on
// one PostgreSQL database. nginx is Debian's, run privately (tests/support/nginx.ts) with the
// upstream and proxy block of docs/DEPLOY.md (upstream keepalive 32, HTTP/1.1 to the instances,
// one worker): one nginx in front of instance A, another in front of A and B; only one carries
// load at a time. The instances run as DEPLOY.md sets them up (production, DB_POOL_MAX=10, the
// default log level, the mail worker on), with mail kept in the dev mailbox.
//
// The load is 32 signed-in clients, each its own contact with its own session and published
// packet of two statements, asking for their packet page (GET /p/[id]) without pause, each on
// one keep-alive connection. Every answer must be a 200; anything else is counted as an error and
// fails the bench. Nothing is cached: each request validates the session, checks access, records
// the open, runs the page's queries and renders it. The load generator is a process of its own
// (bench/support/http-load.ts), so it shares no event loop with anything it measures. Both
// instances are warmed up first until their JIT has settled; then rounds alternate 1, 2, 1, 2, ...
// and the medians are compared.
//
// What shares the machine's cores during a round: the instance(s), the PostgreSQL backends
// serving them, nginx and the load generator (and whatever else runs on the machine). One
// instance is held by its main thread, but its V8 helper threads (GC, JIT), PostgreSQL, nginx
// and the generator run beside it on the other core; two instances get only what those leave.
// So two can give at most 2 × (one instance's main-thread CPU per request) / (all CPU per
// request). The bench reads every part's CPU from /proc and prints that bound beside the ratio,
// so a missed target says which part took the cores.
//
// Run: npx tsx bench/cluster.ts   (needs PostgreSQL on 127.0.0.1:5432 and nginx;
//      CLUSTER_ROUNDS, CLUSTER_SECONDS, CLUSTER_CLIENTS to tune; CLUSTER_NODE_ARGS for flags to
//      the instances' node, e.g. --cpu-prof)
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { buildIfStale } from '../scripts/build-if-stale.js';
import { sessionCookieName } from '../src/lib/server/config';
import { freePort, startInstance, type Instance } from '../tests/support/cluster';
import { findNginx, startNginx, type Nginx } from '../tests/support/nginx';
import {
  createTestDatabase,
  POSTGRES_ADMIN_URL,
  postgresAvailable
} from '../tests/support/postgres';
import type { LoadResult, LoadRun } from './support/http-load';
import { seedLoadDatabase } from './support/load-seed';
import { childPids, cpuMs, cpuSpent, readCpu } from './support/process-cpu';

const ROUNDS = Number(process.env.CLUSTER_ROUNDS ?? 5);
const SECONDS = Number(process.env.CLUSTER_SECONDS ?? 5);
const CLIENTS = Number(process.env.CLUSTER_CLIENTS ?? 32);
/** Requests each instance serves before measuring: V8 is still compiling the hot paths before. */
const WARM_REQUESTS = 3000;
const WARM_MAX_SECONDS = 60;
const TARGET = 1.5;
const CORES = os.cpus().length;
const root = path.resolve(import.meta.dirname, '..');

const nginxBin = findNginx();
if ('missing' in nginxBin) {
  console.log(`summary: cluster skipped (${nginxBin.missing})`);
  process.exit(0);
}
if (!(await postgresAvailable())) {
  console.log('summary: cluster skipped (no PostgreSQL server for tests)');
  process.exit(0);
}
buildIfStale({ quiet: true });

const database = await createTestDatabase('sheaf_cluster');
// The document files, shared by both instances as a bucket would be.
const blobDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-cluster-blobs-'));
const instances: Instance[] = [];
const proxies: Nginx[] = [];
let generator: ReturnType<typeof fork> | undefined;
const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });

async function cleanup() {
  if (generator?.connected) generator.disconnect();
  await Promise.allSettled(proxies.map((n) => n.stop()));
  await Promise.allSettled(instances.map((i) => i.stop('SIGTERM')));
  await admin.end();
  await database.drop().catch((e) => console.error('could not drop', database.name, e));
  rmSync(blobDir, { recursive: true, force: true });
}

const seed = () => seedLoadDatabase(database.url, blobDir, CLIENTS, 4);

function load(run: LoadRun): Promise<LoadResult> {
  return new Promise((resolve) => {
    generator!.once('message', (result) => resolve(result as LoadResult));
    generator!.send(run);
  });
}

const requestsOf = (r: LoadResult) => r.ok + Object.values(r.errors).reduce((a, b) => a + b, 0);

interface Round {
  rps: number;
  result: LoadResult;
  /** CPU ms per request of each part. */
  perRequest: {
    app: number;
    mainThreads: number;
    postgres: number;
    nginx: number;
    generator: number;
    all: number;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => x.toFixed(2);

let failed = true;
try {
  const visits = await seed();
  const ports = [await freePort(), await freePort()];
  const started = await Promise.allSettled(
    [0, 1].map(() =>
      startInstance({
        nodeArgs: process.env.CLUSTER_NODE_ARGS?.split(' ').filter(Boolean),
        env: {
          DATABASE_URL: database.url,
          DATA_DIR: blobDir,
          ORIGIN: `http://127.0.0.1:${ports[1]}`,
          ADDRESS_HEADER: 'X-Forwarded-For',
          XFF_DEPTH: '1',
          DB_POOL_MAX: '10',
          MAIL_TRANSPORT: 'mailbox'
        }
      })
    )
  );
  for (const s of started) if (s.status === 'fulfilled') instances.push(s.value);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const upstreams = instances.map((i) => i.url);
  proxies.push(await startNginx(nginxBin.bin, upstreams.slice(0, 1), { port: ports[0] }));
  proxies.push(await startNginx(nginxBin.bin, upstreams, { port: ports[1] }));

  generator = fork(path.join(root, 'bench/support/http-load.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  const cookieName = sessionCookieName('http:');
  const clients = visits.map((v) => ({
    path: `/p/${v.packets[0].id}`,
    cookie: `${cookieName}=${v.token}`
  }));

  // Each client's page is its packet with its two documents, answered in full.
  for (const c of clients) {
    const response = await fetch(`${proxies[1].url}${c.path}`, { headers: { cookie: c.cookie } });
    const html = await response.text();
    if (response.status !== 200 || !html.includes('Statement 1') || !html.includes('Statement 2')) {
      throw new Error(`GET ${c.path} answered ${response.status} without its documents`);
    }
  }

  const backends = async () =>
    (
      await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = ${database.name}`
    ).map((r) => r.pid);

  const measure = async (n: 1 | 2): Promise<Round> => {
    const proxy = proxies[n - 1];
    const nginx = [proxy.pid, ...childPids(proxy.pid)];
    const app = instances.slice(0, n).map((i) => i.child.pid!);
    const main = () => app.reduce((sum, pid) => sum + cpuMs(pid, pid), 0);
    const before = {
      main: main(),
      app: readCpu(app),
      nginx: readCpu(nginx),
      postgres: readCpu(await backends())
    };
    const result = await load({ base: proxy.url, clients, seconds: SECONDS, expect: 200 });
    const per = (x: number) => x / Math.max(1, requestsOf(result));
    const perRequest = {
      app: per(cpuSpent(before.app, readCpu(app))),
      mainThreads: per(main() - before.main),
      postgres: per(cpuSpent(before.postgres, readCpu(await backends()))),
      nginx: per(cpuSpent(before.nginx, readCpu(nginx))),
      generator: per(result.cpuMs),
      all: 0
    };
    perRequest.all = perRequest.app + perRequest.postgres + perRequest.nginx + perRequest.generator;
    return { rps: result.ok / result.seconds, result, perRequest };
  };
  const describe = (r: Round) =>
    `${r.rps.toFixed(0).padStart(4)} req/s, p50 ${r.result.p50.toFixed(0)} ms, p99 ${r.result.p99.toFixed(0)} ms; ` +
    `CPU ms/req: app ${ms(r.perRequest.app)} (main threads ${ms(r.perRequest.mainThreads)}), ` +
    `postgres ${ms(r.perRequest.postgres)}, nginx ${ms(r.perRequest.nginx)}, ` +
    `generator ${ms(r.perRequest.generator)}; cores used ` +
    `${((r.perRequest.all * requestsOf(r.result)) / (r.result.seconds * 1000)).toFixed(2)}`;

  // Warm-up through the two-instance nginx (then a moment through the other, so its keep-alive
  // connections are open): the instances fill their pools and V8 compiles the request path,
  // which takes thousands of requests. Until then its compiler threads add CPU to every request.
  const warmStarted = performance.now();
  let warmed = 0;
  let warmErrors = 0;
  while (warmed < WARM_REQUESTS * 2 && performance.now() - warmStarted < WARM_MAX_SECONDS * 1000) {
    const result = await load({ base: proxies[1].url, clients, seconds: 2, expect: 200 });
    warmed += requestsOf(result);
    warmErrors += requestsOf(result) - result.ok;
  }
  await load({ base: proxies[0].url, clients, seconds: 1, expect: 200 });

  console.log(
    `${CLIENTS} keep-alive clients, GET /p/[id] via nginx, ${SECONDS} s a round, ${CORES} CPUs ` +
      `(${os.cpus()[0]?.model.trim()}), load average ${os.loadavg()[0].toFixed(2)}; warmed up with ` +
      `${warmed} requests in ${((performance.now() - warmStarted) / 1000).toFixed(0)} s (${warmErrors} errors)`
  );
  const one: Round[] = [];
  const two: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await measure(1));
    two.push(await measure(2));
    console.log(`round ${r + 1}: 1 instance  ${describe(one[r])}`);
    console.log(`         2 instances ${describe(two[r])}`);
  }
  const errors = [...one, ...two].flatMap((r) => Object.entries(r.result.errors));
  for (const [key, n] of errors) console.log(`error: ${n} × ${key}`);
  const errorCount = errors.reduce((sum, [, n]) => sum + n, 0) + warmErrors;
  const opened = [...one, ...two].reduce((sum, r) => sum + r.result.connections, 0);
  console.log(
    `connections the generator opened: ${opened} in ${ROUNDS * 2} rounds (${CLIENTS} a round: keep-alive held)`
  );

  const a = median(one.map((r) => r.rps));
  const b = median(two.map((r) => r.rps));
  const pick = (rounds: Round[], key: keyof Round['perRequest']) =>
    median(rounds.map((r) => r.perRequest[key]));
  // One instance at full speed keeps its main thread busy and needs `needs` cores in all; two
  // can add only what the rest of the machine has left.
  const needs = pick(one, 'all') / pick(one, 'mainThreads');
  const bound = Math.min(2, Math.max(1, CORES / needs));
  console.log(
    `one instance at full speed needs ${needs.toFixed(2)} cores (all CPU per request / its main ` +
      `thread's), so two can give at most ${bound.toFixed(2)}× on ${CORES}`
  );
  console.log(
    `summary: cluster 2/1 instances via nginx = ${(b / a).toFixed(2)}× req/s (target >= ${TARGET}; ` +
      `median of ${ROUNDS}: 1 → ${a.toFixed(0)}/s, 2 → ${b.toFixed(0)}/s; ${CLIENTS} keep-alive ` +
      `clients GET /p/[id], ${errorCount} errors; CPU ms/req with 1: app ${ms(pick(one, 'app'))} ` +
      `(main thread ${ms(pick(one, 'mainThreads'))}), postgres ${ms(pick(one, 'postgres'))}, ` +
      `nginx ${ms(pick(one, 'nginx'))}, generator ${ms(pick(one, 'generator'))}; ` +
      `bound on ${CORES} cores ${bound.toFixed(2)}×)`
  );
  failed = errorCount > 0 || b / a < TARGET;
} catch (error) {
  console.error(error);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
