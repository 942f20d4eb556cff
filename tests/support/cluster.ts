// Real `node build` processes for tests that need what the in-process server cannot show:
// signals (graceful shutdown) and several instances sharing one PostgreSQL database behind a
// round-robin proxy, the way a firm runs Sheaf at scale.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { buildIfStale } from '../../scripts/build-if-stale.js';
import type { Db } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { createTestDatabase } from './postgres';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Sends the signal and waits for the exit (SIGKILL after killAfterMs). */
  stop(
    signal?: NodeJS.Signals,
    killAfterMs?: number
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts `node build` from the project root and waits until /api/healthz answers 200. */
export async function startInstance(
  options: {
    env?: Record<string, string>;
    port?: number;
    waitMs?: number;
    /** Flags for node before build/index.js (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
    nodeArgs?: string[];
  } = {}
): Promise<Instance> {
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-instance-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    ORIGIN: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    BODY_SIZE_LIMIT: '60M',
    ...options.env
  };
  // Production refuses to start without Postmark unless the dev mailbox is asked for.
  if (!env.POSTMARK_SERVER_TOKEN) env.MAIL_TRANSPORT ||= 'mailbox';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'build/index.js'], {
    cwd: path.resolve('.'),
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
  }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    if (done) throw new Error(`node build exited during start-up:\n${printed}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node build did not answer /api/healthz in time:\n${printed}`);
    }
    try {
      const response = await fetch(`${url}/api/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    dataDir,
    output: () => printed,
    exited,
    async stop(signal = 'SIGTERM', killAfterMs = 15_000) {
      const sent = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const result = await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      return { code: result.code, signal: result.signal, ms: result.at - sent };
    }
  };
}

export interface Proxy {
  url: string;
  port: number;
  /** Backends, in round-robin order; may be set after the proxy has started. */
  targets: string[];
  /** How many requests each target answered (same order as targets). */
  counts: number[];
  /**
   * Requests tried again on the next backend because the first refused the connection (or, for
   * GET/HEAD, reset it before answering): what a load balancer does for a stopping instance.
   */
  retries: number;
  stop(): Promise<void>;
}

/**
 * A tiny round-robin reverse proxy on loopback (node:http): forwards method, path, headers and
 * body as they are (cookies included), appends the client address to X-Forwarded-For, and passes
 * the response back untouched (redirects and Set-Cookie included). Like nginx's default
 * `proxy_next_upstream error`, a request whose backend refuses the connection goes to the next
 * backend; so does a GET or HEAD whose connection is reset before any answer. Anything else that
 * fails upstream is a 502.
 */
export async function startProxy(targets: string[] = [], port = 0): Promise<Proxy> {
  let next = 0;
  const state = { targets, counts: targets.map(() => 0), retries: 0 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      res.destroy();
      return;
    }
    const body = Buffer.concat(chunks);
    const headers = { ...req.headers };
    const forwarded = headers['x-forwarded-for'];
    const client = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = forwarded ? `${String(forwarded)}, ${client}` : client;
    const idempotent = req.method === 'GET' || req.method === 'HEAD';

    // A retry goes to the backend after the one that failed, not to the shared round-robin turn.
    const attempt = (tries: number, after?: number) => {
      if (state.targets.length === 0) {
        res.writeHead(503).end('no backends');
        return;
      }
      const index = (after === undefined ? next++ : after + 1) % state.targets.length;
      const target = new URL(state.targets[index]);
      let answered = false;
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false
        },
        (response) => {
          answered = true;
          state.counts[index] = (state.counts[index] ?? 0) + 1;
          res.writeHead(response.statusCode ?? 502, response.rawHeaders);
          response.pipe(res);
          response.on('error', () => res.destroy());
          response.on('aborted', () => res.destroy());
        }
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        const retryable =
          !answered &&
          (error.code === 'ECONNREFUSED' || (idempotent && error.code === 'ECONNRESET'));
        if (retryable && tries + 1 < Math.max(2, state.targets.length * 2)) {
          state.retries++;
          attempt(tries + 1, index);
        } else if (!res.headersSent) {
          res
            .writeHead(502)
            .end(`bad gateway: ${error.code ?? error.message} after ${tries + 1} tries`);
        } else res.destroy();
      });
      upstream.end(body);
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    get targets() {
      return state.targets;
    },
    set targets(list: string[]) {
      state.targets = list;
      state.counts = list.map(() => 0);
    },
    get counts() {
      return state.counts;
    },
    get retries() {
      return state.retries;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

/** A drizzle handle on a cluster's database, for a test to make data and check rows. */
export function openClusterDb(databaseUrl: string): { db: Db; close: () => Promise<void> } {
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  return { db: drizzle(sql, { schema }) as unknown as Db, close: () => sql.end() };
}

export interface Cluster {
  /** The proxy's URL: what a browser would use (also every instance's ORIGIN). */
  url: string;
  proxy: Proxy;
  instances: Instance[];
  databaseUrl: string;
  databaseName: string;
  stop(): Promise<void>;
}

/**
 * Builds once (when stale), creates a fresh PostgreSQL database and starts `instances` copies of
 * `node build` on it at the same moment, each on its own port with ORIGIN set to the proxy's URL,
 * behind a round-robin proxy. stop() ends the instances (SIGTERM), the proxy, and drops the
 * database.
 */
export async function startCluster(
  options: {
    instances?: number;
    /** Extra env for every instance (e.g. POSTMARK_API_URL of a stub). */
    env?: Record<string, string>;
    /** Extra env for instance i (0-based), applied after env. */
    instanceEnv?: (index: number) => Record<string, string>;
  } = {}
): Promise<Cluster> {
  buildIfStale({ quiet: true });
  const database = await createTestDatabase('sheaf_cluster');
  const proxy = await startProxy();
  const instances: Instance[] = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: options.instances ?? 2 }, (_, index) =>
        startInstance({
          env: {
            DATABASE_URL: database.url,
            ORIGIN: proxy.url,
            ADDRESS_HEADER: 'X-Forwarded-For',
            XFF_DEPTH: '1',
            DB_POOL_MAX: '5',
            ...options.env,
            ...options.instanceEnv?.(index)
          }
        })
      )
    );
    for (const result of started) if (result.status === 'fulfilled') instances.push(result.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (error) {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await proxy.stop();
    await database.drop();
    throw error;
  }
  proxy.targets = instances.map((i) => i.url);
  return {
    url: proxy.url,
    proxy,
    instances,
    databaseUrl: database.url,
    databaseName: database.name,
    async stop() {
      try {
        await Promise.all(instances.map((i) => i.stop('SIGTERM')));
        await proxy.stop();
      } finally {
        await database.drop();
      }
    }
  };
}
