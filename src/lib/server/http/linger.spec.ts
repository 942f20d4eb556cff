import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lingerAfterAnswer, type LingerBounds } from './linger';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

interface Closed {
  /** Milliseconds from the answer's last byte written to the socket's close. */
  lingered: number;
  /** Request bytes the server took off the wire in all. */
  bytesRead: number;
}

/**
 * A server that, like adapter-node, reads the body through a paused `data` listener, answers
 * 413 after the first chunk and closes with `Connection: close`, its close lingering.
 */
async function refusing(bounds: LingerBounds) {
  const closed: Closed[] = [];
  server = http.createServer((req, res) => {
    lingerAfterAnswer(req, bounds);
    const socket = req.socket;
    let answeredAt = 0;
    res.once('finish', () => (answeredAt = performance.now()));
    socket.once('close', () =>
      closed.push({ lingered: performance.now() - answeredAt, bytesRead: socket.bytesRead })
    );
    req.once('data', () => {
      req.pause();
      res.writeHead(413, { connection: 'close', 'content-type': 'text/plain' }).end('too large');
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, closed };
}

/**
 * A chunked POST of `chunks` × 64 KB from a raw socket that never closes its own side, finishing
 * the body when `end`. Resolves with the answer once the server has sent all of it (its FIN).
 */
function send(port: number, chunks: number, end: boolean) {
  return new Promise<string>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => {});
    socket.once('end', () => resolve(answer));
    socket.once('close', () => resolve(answer));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x61).toString();
    for (let i = 0; i < chunks; i++) socket.write(`10000\r\n${chunk}\r\n`);
    if (end) socket.write('0\r\n\r\n');
  });
}

describe('lingerAfterAnswer', () => {
  it('closes once the client has sent its last byte, without waiting out its time', async () => {
    const { port, closed } = await refusing({ ms: 120_000, bytes: 1024 * 1024 });
    const answer = await send(port, 4, true);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('too large');
    await expect.poll(() => closed.length, { timeout: 30_000 }).toBe(1);
  });

  it('keeps the connection for its time while the client sends on, then closes', async () => {
    const { port, closed } = await refusing({ ms: 300, bytes: 1024 * 1024 });
    expect(await send(port, 4, false)).toMatch(/^HTTP\/1\.1 413 /);
    await expect.poll(() => closed.length, { timeout: 30_000 }).toBe(1);
    expect(closed[0].lingered).toBeGreaterThanOrEqual(250);
  });

  it('stops reading past its byte bound', async () => {
    const { port, closed } = await refusing({ ms: 300, bytes: 256 * 1024 });
    expect(await send(port, 200, false)).toMatch(/^HTTP\/1\.1 413 /);
    await expect.poll(() => closed.length, { timeout: 30_000 }).toBe(1);
    // 12.5 MB offered: the server took its bound and what its buffers held, not the rest.
    expect(closed[0].bytesRead).toBeLessThan(4 * 1024 * 1024);
  });
});
