// 200 concurrent signed-in clients browsing their packets (/p, /p/[id], the viewer page) and
// fetching what the viewer fetches (page 1's picture, the PDF whole and by Range) against the built server (`node build`) on
// a fresh PostgreSQL database, for LOAD_SECONDS (default 60). The baseline, measured in the same
// run with the same concurrency: /api/healthz (one `select 1`, no session, no rendering).
//   npx tsx bench/load.ts            (LOAD_SECONDS=10 LOAD_CLIENTS=200 DB_POOL_MAX=20 to tune;
//                                     LOAD_CPU_PROFILE=<dir> profiles the server)
// Loopback only; the database is created and dropped by the script. Targets: zero errors, p99 of
// the signed-in traffic <= 400 ms, and its rate >= 0.25x the baseline's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildIfStale } from '../scripts/build-if-stale.js';
import { sessionCookieName } from '../src/lib/server/config';
import { defaultBodySizeLimit } from '../src/lib/server/http/limits';
import { closeDatabase } from '../src/lib/server/db/client';
import { seedLoadDatabase } from './support/load-seed';
import { BackendCpu, ownCpuMs, processCpuMs } from './support/cpu';
import { createTestDatabase, postgresAvailable } from '../tests/support/postgres';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const POOL = process.env.DB_POOL_MAX ?? '20';
const P99_TARGET_MS = 400;
const RATE_TARGET = 0.25;
const BASELINE_SECONDS = Math.max(3, Math.min(10, SECONDS / 6));
const root = path.resolve(import.meta.dirname, '..');

if (!(await postgresAvailable())) {
  console.error('bench/load needs PostgreSQL on 127.0.0.1:5432 (SHEAF_TEST_POSTGRES_URL)');
  process.exit(1);
}
await buildIfStale();

const database = await createTestDatabase('sheaf_load');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-load-'));
let child: ReturnType<typeof spawn> | undefined;
const cleanup = async () => {
  child?.kill('SIGTERM');
  if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
  await closeDatabase().catch(() => {});
  await database.drop().catch((e) => console.error('could not drop', database.name, e));
  rmSync(dataDir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

interface Visit {
  cookie: string;
  packets: { id: string; docs: string[] }[];
}

async function seed(): Promise<Visit[]> {
  // The server below runs on http://127.0.0.1.
  return (await seedLoadDatabase(database.url, dataDir, CLIENTS, 10)).map((v) => ({
    cookie: `${sessionCookieName('http:')}=${v.token}`,
    packets: v.packets
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Stats {
  latencies: number[];
  errors: Map<string, number>;
  bytes: number;
}
const newStats = (): Stats => ({ latencies: [], errors: new Map(), bytes: 0 });

// The load generator shares the machine's cores with the server and PostgreSQL, so it should
// cost as little as it can per request: a keep-alive http.Agent (one socket per client, reused)
// costs about half of undici's fetch. LOAD_CLIENT=fetch measures with fetch instead. The
// baseline and the signed-in traffic always use the same one.
const USE_FETCH = process.env.LOAD_CLIENT === 'fetch';
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function get(
  url: string,
  headers: Record<string, string>,
  retry = true
): Promise<[number, number]> {
  if (USE_FETCH) {
    return fetch(url, { headers, redirect: 'manual' }).then(async (response) => [
      response.status,
      (await response.arrayBuffer()).byteLength
    ]);
  }
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      response.on('end', () => resolve([response.statusCode ?? 0, bytes]));
      response.on('error', reject);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as it was reused: asked again on a
      // new one, as browsers and undici do for a GET (Node's http docs: request.reusedSocket).
      if (retry && request.reusedSocket && error.code === 'ECONNRESET') {
        resolve(get(url, headers, false));
      } else reject(error);
    });
  });
}

async function hit(
  stats: Stats,
  url: string,
  headers: Record<string, string>,
  expect: number
): Promise<void> {
  const started = performance.now();
  try {
    const [status, bytes] = await get(url, headers);
    stats.bytes += bytes;
    if (status !== expect) {
      const key = `${status} ${new URL(url).pathname.split('/').slice(0, 3).join('/')}`;
      stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
    }
  } catch (error) {
    const key = (error as Error).cause
      ? String((error as { cause: Error }).cause.message)
      : String(error);
    stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
  }
  stats.latencies.push(performance.now() - started);
}

interface CpuMark {
  server: number;
  backends: Map<number, number>;
  generator: number;
}
async function markCpu(backends: BackendCpu, serverPid: number): Promise<CpuMark> {
  return {
    server: processCpuMs(serverPid) ?? NaN,
    backends: await backends.mark(),
    generator: ownCpuMs()
  };
}
function cpuPerRequest(from: CpuMark, to: CpuMark, requests: number) {
  const server = (to.server - from.server) / requests;
  const db = BackendCpu.spent(from.backends, to.backends) / requests;
  const generator = (to.generator - from.generator) / requests;
  return { server, db, generator, total: server + db + generator };
}
function reportCpu(label: string, c: ReturnType<typeof cpuPerRequest>) {
  console.log(
    `${label.padEnd(22)} CPU ms/req: server ${c.server.toFixed(2)}, postgres ${c.db.toFixed(2)}, load generator ${c.generator.toFixed(2)}, total ${c.total.toFixed(2)}`
  );
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(label: string, stats: Stats, seconds: number) {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0);
  const rps = stats.latencies.length / seconds;
  console.log(
    `${label.padEnd(22)} ${String(stats.latencies.length).padStart(7)} req  ${rps.toFixed(0).padStart(6)} req/s  p50 ${pct(sorted, 50).toFixed(1).padStart(6)} ms  p99 ${pct(sorted, 99).toFixed(1).padStart(7)} ms  errors ${errors}`
  );
  for (const [key, n] of stats.errors) console.log(`    ${n} x ${key}`);
  return { rps, p50: pct(sorted, 50), p99: pct(sorted, 99), errors };
}

async function runFor(seconds: number, worker: (i: number) => Promise<void>) {
  const stopAt = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      while (performance.now() < stopAt) await worker(i);
    })
  );
  return (performance.now() - started) / 1000;
}

let failed: boolean;
try {
  console.log(`seeding ${CLIENTS} contacts on PostgreSQL database ${database.name} ...`);
  const visits = await seed();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // LOAD_CPU_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.LOAD_CPU_PROFILE;
  const profileArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`] : [];
  child = spawn(process.execPath, [...profileArgs, 'build/index.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ORIGIN: base,
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DB_POOL_MAX: POOL,
      POSTMARK_SERVER_TOKEN: '',
      MAIL_TRANSPORT: 'mailbox',
      EMAIL_WORKER: 'false',
      // As npm start sets it (adapter-node's 512K default would refuse most PDFs, and says so).
      BODY_SIZE_LIMIT: defaultBodySizeLimit(50),
      LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'ignore', 'inherit']
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 300) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  // Warm-up: JIT, the connection pool and the page cache.
  const warm = newStats();
  await runFor(2, async (i) => {
    const v = visits[i];
    await hit(warm, `${base}/p/${v.packets[0].id}`, { cookie: v.cookie }, 200);
  });

  console.log(
    `\nnode build on PostgreSQL, ${CLIENTS} concurrent clients (${USE_FETCH ? 'fetch' : 'http.Agent'}), DB_POOL_MAX=${POOL}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()})`
  );
  const admin = new BackendCpu(database.name);
  const serverPid = child.pid!;
  const baseline = newStats();
  const baselineFrom = await markCpu(admin, serverPid);
  const baselineSeconds = await runFor(BASELINE_SECONDS, async () => {
    await hit(baseline, `${base}/api/healthz`, {}, 200);
  });
  const baselineCpu = cpuPerRequest(
    baselineFrom,
    await markCpu(admin, serverPid),
    baseline.latencies.length
  );
  const b = report('baseline /api/healthz', baseline, baselineSeconds);

  const kinds = {
    '/p': newStats(),
    '/p/[id]': newStats(),
    'viewer page': newStats(),
    'page-1 picture': newStats(),
    'PDF whole': newStats(),
    'PDF Range 64 KB': newStats()
  };
  const both = (stats: Stats, url: string, headers: Record<string, string>, code: number) =>
    hit(stats, url, headers, code);
  const step = new Array<number>(CLIENTS).fill(0);
  const loadFrom = await markCpu(admin, serverPid);
  const loadSeconds = await runFor(SECONDS, async (i) => {
    const v = visits[i];
    const n = step[i]++;
    const packet = v.packets[n % v.packets.length];
    const doc = packet.docs[(n >> 1) % packet.docs.length];
    const h = { cookie: v.cookie };
    switch (n % 6) {
      case 0:
        return both(kinds['/p'], `${base}/p`, h, 200);
      case 1:
        return both(kinds['/p/[id]'], `${base}/p/${packet.id}`, h, 200);
      case 2:
        return both(kinds['viewer page'], `${base}/p/${packet.id}/d/${doc}`, h, 200);
      case 3:
        return both(kinds['page-1 picture'], `${base}/api/files/${doc}/page-1/800`, h, 200);
      case 4:
        return both(kinds['PDF whole'], `${base}/api/files/${doc}`, h, 200);
      default:
        return both(
          kinds['PDF Range 64 KB'],
          `${base}/api/files/${doc}`,
          { ...h, range: 'bytes=0-65535' },
          206
        );
    }
  });
  const loadTo = await markCpu(admin, serverPid);
  await admin.end();
  for (const [label, stats] of Object.entries(kinds)) report(label, stats, loadSeconds);
  const all = newStats();
  for (const stats of Object.values(kinds)) {
    all.latencies.push(...stats.latencies);
    for (const [k, n] of stats.errors) all.errors.set(k, (all.errors.get(k) ?? 0) + n);
  }
  const total = report('all signed-in traffic', all, loadSeconds);
  reportCpu('baseline /api/healthz', baselineCpu);
  const loadCpu = cpuPerRequest(loadFrom, loadTo, all.latencies.length);
  reportCpu('all signed-in traffic', loadCpu);
  const mb = Object.values(kinds).reduce((a, k) => a + k.bytes, 0) / 1e6;
  console.log(`transferred ${mb.toFixed(0)} MB in ${loadSeconds.toFixed(1)} s`);
  console.log(
    `ratio signed-in traffic / healthz throughput: ${(total.rps / b.rps).toFixed(2)} (each signed-in request validates a session, checks access and renders or streams)`
  );
  console.log(
    `summary: ${CLIENTS} clients x ${loadSeconds.toFixed(0)} s: ${total.rps.toFixed(0)} req/s, p50 ${total.p50.toFixed(0)} ms, p99 ${total.p99.toFixed(0)} ms, ${total.errors} errors; ${(total.rps / b.rps).toFixed(2)} x healthz (${b.rps.toFixed(0)} req/s) (targets: p99 <= ${P99_TARGET_MS} ms, >= ${RATE_TARGET}x, 0 errors)`
  );
  const missed = [
    total.errors > 0 || b.errors > 0 ? `${total.errors + b.errors} errors (target 0)` : null,
    total.p99 > P99_TARGET_MS
      ? `p99 ${total.p99.toFixed(0)} ms (target <= ${P99_TARGET_MS})`
      : null,
    total.rps / b.rps < RATE_TARGET
      ? `${(total.rps / b.rps).toFixed(2)}x healthz (target >= ${RATE_TARGET})`
      : null
  ].filter(Boolean);
  console.log(`targets: ${missed.length ? `MISSED ${missed.join('; ')}` : 'all met'}`);
  failed = missed.length > 0;
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
