// A real nginx (Debian's package) in front of test instances, configured with the upstream and
// proxy settings docs/DEPLOY.md recommends: its ```nginx block is read from the doc, with the
// instances' addresses put in for its example servers and a loopback port for its listen line.
// Everything nginx writes (pid, logs, temp files) stays in a temp dir; `daemon off`, and the
// process is the test's own: the system's nginx service is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './cluster';
import { waitUntil } from './wait';

/** nginx's binary ($SHEAF_NGINX or Debian's /usr/sbin/nginx), or why there is none. */
export function findNginx(): { bin: string } | { missing: string } {
  const bin = process.env.SHEAF_NGINX ?? '/usr/sbin/nginx';
  if (existsSync(bin)) return { bin };
  return { missing: `nginx not found at ${bin} (apt-get install nginx)` };
}

/** One access-log line: when it was answered, with what, by which upstreams in turn. */
export interface NginxLogEntry {
  /** Milliseconds since the epoch. */
  at: number;
  status: number;
  /** Each upstream tried, in order ("127.0.0.1:PORT"); the last one answered. */
  upstreams: string[];
  request: string;
}

export interface Nginx {
  url: string;
  port: number;
  /** The master process's id (its workers are its children). */
  pid: number;
  /** The nginx.conf it runs with. */
  config: string;
  /** The access log so far. */
  log(): NginxLogEntry[];
  /** nginx's error log so far (upstream failures it retried are logged here). */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * The first ```nginx block of docs/DEPLOY.md, or the first one after the heading `after` (a
 * line of the doc starting with it).
 */
export function deployNginxConfig(doc = path.resolve('docs/DEPLOY.md'), after?: string): string {
  let text = readFileSync(doc, 'utf8');
  if (after) {
    const at = text.split('\n').findIndex((line) => line.startsWith(after));
    if (at < 0) throw new Error(`${doc} has no heading "${after}"`);
    text = text.split('\n').slice(at).join('\n');
  }
  const block = /```nginx\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error(`${doc} has no \`\`\`nginx block${after ? ` after ${after}` : ''}`);
  return block;
}

/** A certificate and key for nginx's TLS (PEM files). */
export interface NginxTls {
  certificate: string;
  key: string;
}

/**
 * The doc's block for these upstreams on 127.0.0.1:port: each example `server ADDRESS params;`
 * of the upstream is repeated once per upstream with its address; `listen` becomes the port.
 */
export function adaptDeployConfig(
  block: string,
  upstreams: string[],
  port: number,
  tls?: NginxTls
): string {
  const server = /^(\s*)server\s+\S+(\s[^;]*)?;\s*$/m;
  const lines = block.split('\n');
  const firstServer = lines.findIndex((l) => server.test(l));
  if (firstServer < 0) throw new Error('the nginx block has no `server ADDRESS;` in its upstream');
  const [, indent, params = ''] = server.exec(lines[firstServer])!;
  const adapted = lines.filter((l, i) => i === firstServer || !server.test(l));
  adapted.splice(
    firstServer,
    1,
    ...upstreams.map((u) => `${indent}server ${new URL(u).host}${params};`)
  );
  const listen = adapted.findIndex((l) => /^\s*listen\s/.test(l));
  if (listen < 0) throw new Error('the nginx block has no listen line');
  adapted[listen] = adapted[listen].replace(
    /listen\s[^;]*;/,
    `listen 127.0.0.1:${port}${tls ? ' ssl' : ''};`
  );
  // The doc's certificate paths are examples: the test's own files instead (or none at all).
  return adapted
    .map((l) =>
      l
        .replace(/(ssl_certificate\s+)[^;]+;/, (m, d: string) =>
          tls ? `${d}${tls.certificate};` : ''
        )
        .replace(/(ssl_certificate_key\s+)[^;]+;/, (m, d: string) => (tls ? `${d}${tls.key};` : ''))
    )
    .join('\n');
}

export interface NginxOptions {
  port?: number;
  /** The server block to run; docs/DEPLOY.md's first ```nginx block unless given. */
  block?: string;
  /** Listen with TLS, with these files. */
  tls?: NginxTls;
  /** Whether nginx answers yet; GET /api/healthz over plain http unless given. */
  ready?: (url: string) => Promise<boolean>;
}

/** Starts nginx in front of `upstreams` (base URLs) and waits until it answers. */
export async function startNginx(
  bin: string,
  upstreams: string[],
  portOrOptions?: number | NginxOptions
): Promise<Nginx> {
  const options =
    typeof portOrOptions === 'number' ? { port: portOrOptions } : (portOrOptions ?? {});
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-nginx-'));
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(path.join(dir, temp));
  }
  const config = [
    'daemon off;',
    'worker_processes 1;',
    // As root, nginx would hand its workers to `nobody`, who cannot write this private dir.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log info;`,
    'events { worker_connections 512; }',
    'http {',
    `  log_format sheaf '$msec $status "$upstream_addr" "$request"';`,
    `  access_log ${dir}/access.log sheaf;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (temp) => `  ${temp}_temp_path ${dir}/${temp};`
    ),
    adaptDeployConfig(options.block ?? deployNginxConfig(), upstreams, port, options.tls),
    '}',
    ''
  ].join('\n');
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config);

  let printed = '';
  const child: ChildProcess = spawn(bin, ['-c', file, '-p', dir, '-e', `${dir}/error.log`], {
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (printed += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`nginx to answer on ${url}`, async () => {
      if (child.exitCode !== null) {
        throw new Error(`nginx exited (${child.exitCode}):\n${printed}${read('error.log')}`);
      }
      if (options.ready) return options.ready(url);
      return fetch(`${url}/api/healthz`).then(
        (r) => r.ok,
        () => false
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    pid: child.pid!,
    config,
    log: () =>
      read('access.log')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const m = /^(\d+\.\d+) (\d+) "([^"]*)" "(.*)"$/.exec(line);
          if (!m) throw new Error(`unreadable nginx log line: ${line}`);
          return {
            at: Math.round(Number(m[1]) * 1000),
            status: Number(m[2]),
            upstreams: m[3] === '-' ? [] : m[3].split(/\s*[,:]\s+/),
            request: m[4]
          };
        }),
    errors: () => read('error.log'),
    stop
  };
}
