// Spawns Sheaf the way a user does (`npm start`, the CLI) and watches its output.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * A clean environment: nothing leaks in from the test runner's own configuration. No NODE_ENV,
 * as in a user's shell: `npm start` then runs as development, `node build` as production.
 */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the combined output matches, rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * Runs a script from the project root as `npm start` does: `node --import tsx script`, one
 * process. (Not the tsx command: it relays signals to a child of its own and kills it with
 * SIGKILL if the child has not confirmed one within 30 ms, which a busy machine misses.)
 */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Running {
  // Its own process group, so that stop() can also end what it started (`npm start` runs
  // `node build` as a child) should that outlive it.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env,
    detached: true
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d) => ((out += d), listeners.forEach((l) => l())));
  child.stderr!.on('data', (d) => ((err += d), listeners.forEach((l) => l())));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (match) done(() => resolve(match));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`Timed out waiting for ${pattern}:\n${out}${err}`))),
          timeoutMs
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        void exited.then((code) =>
          done(() => reject(new Error(`Exited (${code}) before ${pattern}:\n${out}${err}`)))
        );
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Nothing of the group is left.
      }
      return code;
    }
  };
}
