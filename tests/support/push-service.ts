// A local push service (what FCM, Mozilla's autopush or Apple's service are to a browser): an
// HTTP server on 127.0.0.1 that records each push it is sent and answers as the test says. Every
// subscription gets an endpoint of its own under /push/<name>.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export type PushAnswer = 201 | 400 | 403 | 404 | 410 | 413 | 429 | 500 | 503;

export interface ReceivedPush {
  /** The endpoint's path, /push/<name>. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  answer: PushAnswer;
}

export interface PushServiceStub {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** A fresh endpoint URL for one subscription. */
  endpoint(): string;
  /** Every push received, in arrival order. */
  received: ReceivedPush[];
  /** Pushes to this endpoint, in arrival order. */
  receivedAt(endpoint: string): ReceivedPush[];
  /** Answers for the next pushes, in order; afterwards 201. */
  answerNext(...answers: PushAnswer[]): void;
  /** This endpoint always gets this answer (404/410: the subscription has ended). */
  answerFor(endpoint: string, answer: PushAnswer): void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushServiceStub> {
  const queue: PushAnswer[] = [];
  const byPath = new Map<string, PushAnswer>();
  const received: ReceivedPush[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const answer = byPath.get(path) ?? queue.shift() ?? 201;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), answer });
      const headers: http.OutgoingHttpHeaders = {};
      if (answer === 201) headers.location = `${origin}/message/${randomUUID()}`;
      res.writeHead(answer, headers).end(answer === 201 ? '' : `answer ${answer}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (endpoint: string) => new URL(endpoint).pathname;
  return {
    origin,
    endpoint: () => `${origin}/push/${randomUUID()}`,
    received,
    receivedAt: (endpoint) => received.filter((r) => r.path === pathOf(endpoint)),
    answerNext: (...answers) => queue.push(...answers),
    answerFor: (endpoint, answer) => byPath.set(pathOf(endpoint), answer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
