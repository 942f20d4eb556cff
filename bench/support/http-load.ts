// A load generator that runs in a process of its own (started with `fork`), so it shares no event
// loop with the bench or anything it measures, and spends little CPU per request: one keep-alive
// connection per simulated client, reused for every request the client makes, no body parsing.
// The parent sends a LoadRun; the child answers with a LoadResult and waits for the next run.
import http from 'node:http';

export interface LoadRun {
  /** Base URL, e.g. http://127.0.0.1:8080. */
  base: string;
  /** One simulated client each: it requests `path` with `cookie`, again and again, no pause. */
  clients: { path: string; cookie: string }[];
  seconds: number;
  /** The status every answer must have; any other, or a failed request, is an error. */
  expect: number;
}

export interface LoadResult {
  ok: number;
  /** `status /path` or the socket error's code, with how often it happened. */
  errors: Record<string, number>;
  seconds: number;
  bytes: number;
  p50: number;
  p99: number;
  /** CPU this process used during the run (user + system), in ms. */
  cpuMs: number;
  /** New TCP connections the generator opened during the run. */
  connections: number;
}

function request(
  agent: http.Agent,
  url: URL,
  cookie: string
): Promise<{ status: number; bytes: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers: { cookie } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

export async function runLoad(run: LoadRun): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.clients.length });
  let connections = 0;
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<typeof createConnection>) => {
    connections++;
    return createConnection(...args);
  };
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + run.seconds * 1000;
  await Promise.all(
    run.clients.map(async ({ path, cookie }) => {
      const url = new URL(path, run.base);
      while (performance.now() < until) {
        const t = performance.now();
        const answer = await request(agent, url, cookie);
        latencies.push(performance.now() - t);
        if ('error' in answer) errors[answer.error] = (errors[answer.error] ?? 0) + 1;
        else if (answer.status !== run.expect) {
          const key = `${answer.status} ${url.pathname}`;
          errors[key] = (errors[key] ?? 0) + 1;
        } else {
          ok++;
          bytes += answer.bytes;
        }
      }
    })
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    ok,
    errors,
    seconds,
    bytes,
    p50: at(0.5),
    p99: at(0.99),
    cpuMs: (used.user + used.system) / 1000,
    connections
  };
}

if (process.send) {
  process.on('message', (run: LoadRun) => {
    void runLoad(run).then((result) => process.send!(result));
  });
  process.on('disconnect', () => process.exit(0));
}
