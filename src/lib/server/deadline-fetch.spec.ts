import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeadlineError, fetchWithDeadline } from './deadline-fetch';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let base = '';
const sockets = new Set<Socket>();
/** Called with each request to /hang as it arrives. */
let onHang = () => {};
const server = http.createServer((req, res) => {
  if (req.url === '/hang') return onHang(); // never answers
  if (req.url === '/stall') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"Error'); // headers and a little body, then nothing
    return;
  }
  if (req.url === '/empty') return res.writeHead(204).end();
  res.writeHead(422, { 'content-type': 'application/json', 'x-test': 'yes' });
  res.end(JSON.stringify({ ErrorCode: 300, Message: 'Invalid email' }));
});
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** Settles with the error, or with 'still waiting' if the call outlives `ms`. */
async function outcome(call: Promise<Response>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([
      call.then(
        (r) => r.status,
        (e: unknown) => e
      ),
      late
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fetchWithDeadline', () => {
  it('gives up on a server that never answers, even while the garbage collector runs', async () => {
    // The stop signal is never aborted, as in a worker that runs for days.
    const stop = new AbortController();
    const call = fetchWithDeadline(300, stop.signal)(`${base}/hang`, {
      method: 'POST',
      // The Postmark client passes its own timeout signal; it must not matter whether it fires.
      signal: new AbortController().signal
    });
    const collecting = setInterval(gc, 20);
    const result = await outcome(call, 3000).finally(() => clearInterval(collecting));
    // Its own deadline ended it (the message names it), not the test's 3 s window.
    expect(result).toBeInstanceOf(DeadlineError);
    expect((result as Error).message).toBe('no answer within 0.3 s');
  });

  it('gives up on a server that sends its headers and then stalls', async () => {
    const result = await outcome(fetchWithDeadline(300)(`${base}/stall`), 3000);
    expect(result).toBeInstanceOf(DeadlineError);
  });

  it('ends at once, with its reason, when the caller stops', async () => {
    const stop = new AbortController();
    // Stopped once the request is at the server, in flight.
    const arrived = new Promise<void>((resolve) => (onHang = resolve));
    const call = fetchWithDeadline(10_000, stop.signal)(`${base}/hang`);
    void arrived.then(() => stop.abort(new Error('the email worker is stopping')));
    const result = await outcome(call, 2000);
    onHang = () => {};
    expect((result as Error).message).toBe('the email worker is stopping');
  });

  it('does not call at all when the caller has already stopped', async () => {
    const before = sockets.size;
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    const result = await outcome(fetchWithDeadline(10_000, stop.signal)(`${base}/hang`), 1000);
    expect((result as Error).message).toBe('stopped');
    expect(sockets.size).toBe(before);
  });

  it('hands back the status, headers and body of an answer, and of an empty one', async () => {
    const answer = await fetchWithDeadline(1000)(`${base}/refuse`, { method: 'POST' });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('x-test')).toBe('yes');
    expect(await answer.json()).toEqual({ ErrorCode: 300, Message: 'Invalid email' });
    const empty = await fetchWithDeadline(1000)(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });
});
