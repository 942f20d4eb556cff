// A throw-away PostgreSQL cluster of its own for fault tests that must stop and start the real
// server (the shared one on 5432 stays untouched): initdb into a temp dir, one spare loopback
// port, trust auth, run with pg_ctl. initdb refuses to run as root, so as root every command runs
// as the `postgres` OS user (runuser) with the temp dir handed to that user.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './cluster';

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or why there is none. */
export function findPostgresBin(): { bin: string } | { missing: string } {
  const roots = (process.env.SHEAF_PG_BIN ? [process.env.SHEAF_PG_BIN] : []).concat(
    existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []
  );
  const bin = roots.find((dir) =>
    ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(path.join(dir, tool)))
  );
  if (!bin) {
    return {
      missing:
        'no initdb/pg_ctl found (looked in $SHEAF_PG_BIN and /usr/lib/postgresql/*/bin); install the PostgreSQL server package'
    };
  }
  if (process.getuid?.() === 0) {
    if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
      return { missing: 'running as root and runuser is missing: initdb refuses root' };
    }
    if (spawnSync('id', ['-u', 'postgres']).status !== 0) {
      return { missing: 'running as root and there is no `postgres` OS user to run initdb as' };
    }
  }
  return { bin };
}

export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dataDir: string;
  /** The server's own log (pg_ctl -l). */
  log(): string;
  /**
   * `pg_ctl start -w`. With `notAccepting`, the server comes up in standby mode with hot_standby
   * off: the postmaster listens but refuses every connection with SQLSTATE 57P03 (as during a
   * long crash recovery) until promote().
   */
  start(options?: { notAccepting?: boolean }): Promise<void>;
  /** `pg_ctl stop -w -m MODE` (fast: every session ends with 57P01 admin_shutdown). */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Ends recovery (`pg_ctl promote -w`): from here on connections are accepted. */
  promote(): Promise<void>;
  /**
   * When the server last logged a line starting with `message` (ms since the epoch), or null;
   * e.g. 'received fast shutdown request', 'database system is ready to accept connections'.
   */
  loggedAt(message: string): number | null;
  /** Stops the server if it runs (immediate) and removes the temp dir. Safe to call twice. */
  destroy(): void;
}

/** initdb + pg_ctl start on a free loopback port. Throws with initdb's/the server's output. */
export async function createPgCluster(bin: string): Promise<PgCluster> {
  const port = await freePort();
  const root = mkdtempSync(path.join(os.tmpdir(), 'sheaf-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): [string, string[]] => {
    const file = path.join(bin, tool);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  };
  const failure = (tool: string, args: string[], status: unknown, output: string) => {
    const server = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : '';
    return new Error(`${tool} ${args.join(' ')} failed (${String(status)}):\n${output}\n${server}`);
  };
  // Asynchronous, so a test's load keeps running while pg_ctl waits for the server.
  const run = (tool: string, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const [cmd, argv] = command(tool, args);
      execFile(cmd, argv, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
        if (error) reject(failure(tool, args, error.code ?? error.signal, stdout + stderr));
        else resolve(stdout);
      });
    });
  const runSync = (tool: string, args: string[]) => {
    const [cmd, argv] = command(tool, args);
    const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 20_000 });
    if (result.status !== 0) {
      throw failure(tool, args, result.status ?? result.signal, result.stdout + result.stderr);
    }
  };
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    process.off('exit', destroy);
    if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
      try {
        runSync('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '10']);
      } catch {
        // Last resort: the postmaster's pid is the pid file's first line.
        try {
          const pid = Number(
            readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]
          );
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that dies without its afterAll still leaves no server behind.
  process.on('exit', destroy);
  try {
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      chownSync(root, uid, gid);
    }
    await run('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions'
    ]);
    // Loopback only, a socket dir of its own, small; fsync and synchronous_commit left on, so
    // "committed" means what it means in production.
    appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${root}'`,
        'max_connections = 40',
        'shared_buffers = 32MB',
        'hot_standby = off',
        `log_line_prefix = '%m [%p] '`,
        `log_timezone = 'UTC'`,
        ''
      ].join('\n')
    );
  } catch (error) {
    destroy();
    throw error;
  }
  const standbySignal = path.join(dataDir, 'standby.signal');
  const cluster: PgCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async start(options = {}) {
      if (options.notAccepting) {
        writeFileSync(standbySignal, '');
        if (asRoot) {
          const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
          const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
          chownSync(standbySignal, uid, gid);
        }
      }
      await run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30']);
    },
    async stop(mode = 'fast') {
      await run('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30']);
    },
    async promote() {
      await run('pg_ctl', ['promote', '-D', dataDir, '-w', '-t', '30']);
    },
    loggedAt(message) {
      // log_line_prefix '%m [%p] ': "2026-11-30 10:06:33.085 UTC [1234] LOG:  database system is
      // ready to accept connections". The server's clock is this machine's.
      let at: number | null = null;
      for (const line of cluster.log().split('\n')) {
        const m = /^(\S+) (\S+) UTC \[\d+\] \w+: +(.*)$/.exec(line);
        if (m && m[3].startsWith(message)) at = Date.parse(`${m[1]}T${m[2]}Z`);
      }
      return at;
    },
    destroy
  };
  try {
    await cluster.start();
  } catch (error) {
    destroy();
    throw error;
  }
  return cluster;
}
