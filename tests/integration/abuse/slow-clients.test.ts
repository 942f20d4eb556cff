// Slow clients (slowloris) against `node build`: a client trickling its request headers is cut
// off once HEADERS_TIMEOUT (adapter-node's env var for Node's server.headersTimeout) has passed;
// Node checks open connections every 30 s, so the cut comes within timeout + 30 s. A body that
// stops arriving is answered 408 after BODY_IDLE_TIMEOUT (30 s) and one that trickles on is bounded
// by Node's requestTimeout (300 s): see request-bodies.test.ts. The server's own behaviour: one
// driver is enough.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../../support/cluster';

describe('slow clients', () => {
  let instance: Instance;
  beforeAll(async () => {
    instance = await startInstance({
      env: { HEADERS_TIMEOUT: '2', EMAIL_WORKER: 'false', DATABASE_URL: '' }
    });
  }, 180_000);
  afterAll(async () => {
    await instance?.stop();
  });

  it('cuts off a client trickling its headers, and keeps serving everyone else', async () => {
    const started = Date.now();
    const sockets = Array.from({ length: 20 }, () => net.connect(instance.port, '127.0.0.1'));
    const results = sockets.map(
      (socket, i) =>
        new Promise<{ ms: number; answer: string }>((resolve) => {
          let answer = '';
          socket.on('data', (d) => (answer += d.toString()));
          socket.on('error', () => {});
          socket.write(`GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
          const timer = setInterval(() => socket.write(`X-Slow-${i}: ${Date.now()}\r\n`), 500);
          socket.on('close', () => {
            clearInterval(timer);
            resolve({ ms: Date.now() - started, answer });
          });
        })
    );
    // Meanwhile the app answers normal requests at once.
    const health = await fetch(`${instance.url}/api/healthz`);
    expect(health.status).toBe(200);
    const closed = await Promise.all(results);
    for (const { ms, answer } of closed) {
      expect(ms).toBeLessThan(35_000);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    }
    console.log(
      `slowloris: 20 trickling clients cut off after ${Math.max(...closed.map((c) => c.ms))} ms at most (HEADERS_TIMEOUT=2)`
    );
    expect((await fetch(`${instance.url}/api/healthz`)).status).toBe(200);
  }, 180_000);
});
