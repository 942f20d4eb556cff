// A local HTTP server speaking the slice of Postmark's API the outbox uses (POST /email and
// /email/batch with X-Postmark-Server-Token). Tests script its answers: ok, 422, 429, 500, 503,
// hang, or accept-hang (take the messages, then hold the answer), and mark addresses as inactive
// (406) or invalid (300). It also answers the account API's GET /domains and /domains/{id}
// (X-Postmark-Account-Token) from domains a test sets up, and can refuse a From domain (400).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * 'hang' never answers and sends nothing. 'accept-hang' sends the messages (they are in
 * `accepted`, with their MessageIDs) but holds the answer until releaseHeld(): what Postmark
 * looks like when the caller dies, or its connection drops, before the answer reaches it.
 */
export type StubAnswer = 'ok' | 422 | 429 | 500 | 503 | 'hang' | 'accept-hang';

export interface StubMessage {
  From: string;
  To: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  ReplyTo?: string;
  Tag?: string;
  Metadata?: Record<string, string>;
  MessageStream?: string;
  TrackLinks?: string;
  MessageID?: string;
}

export interface StubCall {
  path: string;
  token: string | null;
  messages: StubMessage[];
  answer: StubAnswer | 401 | 404;
}

export interface PostmarkStub {
  /** Base URL for POSTMARK_API_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  token: string;
  /** Every request, in arrival order (including hung and refused ones). */
  calls: StubCall[];
  /** Messages Postmark accepted (answered with ErrorCode 0), with the MessageID it gave. */
  accepted: StubMessage[];
  /** Answers for the next calls, in order; afterwards every call is answered 'ok'. */
  answerNext(...answers: StubAnswer[]): void;
  /** Answer every call this way until changed. */
  answerAlways(answer: StubAnswer): void;
  /** This address gets ErrorCode 406 (inactive) or 300 (invalid) in batch answers. */
  reject(address: string, errorCode: 406 | 300): void;
  /** The account token GET /domains wants (X-Postmark-Account-Token). */
  accountToken: string;
  /** A domain on the account, with its DKIM and Return-Path verified or not. */
  setDomain(name: string, verified: { dkim: boolean; returnPath: boolean }): void;
  /** Messages whose From is on this domain get ErrorCode 400 (no sender signature). */
  refuseFromDomain(domain: string): void;
  /** Milliseconds to wait before answering each call. */
  latencyMs: number;
  batchCalls(): StubCall[];
  /** How many times a message to this address was accepted. */
  acceptedTo(address: string): number;
  /** Sends the answers held back by 'accept-hang' calls (to callers still listening). */
  releaseHeld(): void;
  /** Resolves when the stub has received `count` calls. */
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPostmarkStub(token = 'stub-token'): Promise<PostmarkStub> {
  const queue: StubAnswer[] = [];
  let always: StubAnswer = 'ok';
  const rejected = new Map<string, 406 | 300>();
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const held: (() => void)[] = [];
  const domains: {
    ID: number;
    Name: string;
    DKIMVerified: boolean;
    ReturnPathDomainVerified: boolean;
  }[] = [];
  const refusedFrom = new Set<string>();

  const stub: PostmarkStub = {
    url: '',
    token,
    calls: [],
    accepted: [],
    latencyMs: 0,
    answerNext: (...answers) => queue.push(...answers),
    answerAlways: (answer) => {
      always = answer;
    },
    reject: (address, code) => rejected.set(address.toLowerCase(), code),
    accountToken: `${token}-account`,
    setDomain(name, { dkim, returnPath }) {
      const found = domains.find((d) => d.Name === name);
      const row = { Name: name, DKIMVerified: dkim, ReturnPathDomainVerified: returnPath };
      if (found) Object.assign(found, row);
      else domains.push({ ID: 1000 + domains.length, ...row });
    },
    refuseFromDomain: (domain) => refusedFrom.add(domain.toLowerCase()),
    batchCalls: () => stub.calls.filter((c) => c.path === '/email/batch'),
    releaseHeld: () => held.splice(0).forEach((answer) => answer()),
    acceptedTo: (address) =>
      stub.accepted.filter((m) => m.To.toLowerCase() === address.toLowerCase()).length,
    waitForCalls(count, timeoutMs = 10_000) {
      if (stub.calls.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`stub got ${stub.calls.length} calls, wanted ${count}`)),
          timeoutMs
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };

  const answerMessage = (m: StubMessage) => {
    const fromDomain = /@([^>\s]+)>?\s*$/.exec(m.From ?? '')?.[1]?.toLowerCase() ?? '';
    if (refusedFrom.has(fromDomain)) {
      return {
        ErrorCode: 400,
        Message: `The 'From' address you supplied (${m.From}) is not a Sender Signature on your account.`
      };
    }
    const code = rejected.get(m.To.toLowerCase());
    if (code === 406) {
      return {
        ErrorCode: 406,
        Message: `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${m.To}.`
      };
    }
    if (code === 300)
      return { ErrorCode: 300, Message: `Error parsing 'To': Illegal email address '${m.To}'.` };
    const MessageID = randomUUID();
    stub.accepted.push({ ...m, MessageID });
    return {
      ErrorCode: 0,
      Message: 'OK',
      MessageID,
      SubmittedAt: new Date().toISOString(),
      To: m.To
    };
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0];
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = null;
    }
    const tokenHeader = req.headers['x-postmark-server-token'];
    const call: StubCall = {
      path,
      token: typeof tokenHeader === 'string' ? tokenHeader : null,
      messages:
        path === '/email/batch'
          ? ((body as StubMessage[]) ?? [])
          : body
            ? [body as StubMessage]
            : [],
      answer: 'ok'
    };
    stub.calls.push(call);
    for (const w of waiters.filter((w) => stub.calls.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method === 'GET' && path.startsWith('/domains')) {
      if (req.headers['x-postmark-account-token'] !== stub.accountToken) {
        call.answer = 401;
        return send(401, { ErrorCode: 10, Message: 'The Account Token you provided was invalid.' });
      }
      const id = /^\/domains\/(\d+)$/.exec(path)?.[1];
      if (id) {
        const found = domains.find((d) => d.ID === Number(id));
        if (!found) return send(422, { ErrorCode: 510, Message: 'This domain was not found.' });
        return send(200, { ...found, SPFVerified: true, WeakDKIM: false, ReturnPathDomain: '' });
      }
      const query = new URL(req.url ?? '', 'http://stub').searchParams;
      const count = Number(query.get('count'));
      const offset = Number(query.get('offset'));
      if (!(count >= 1 && count <= 500) || !(offset >= 0)) {
        return send(422, { ErrorCode: 0, Message: 'count and offset are required' });
      }
      return send(200, {
        TotalCount: domains.length,
        Domains: domains.slice(offset, offset + count)
      });
    }
    if (req.method !== 'POST' || (path !== '/email' && path !== '/email/batch')) {
      call.answer = 404;
      return send(404, { ErrorCode: 404, Message: 'Not found' });
    }
    if (call.token !== token) {
      call.answer = 401;
      return send(401, { ErrorCode: 10, Message: 'The Server Token you provided was invalid.' });
    }
    const answer = queue.shift() ?? always;
    call.answer = answer;
    if (answer === 'hang') return; // never answers; the client's timeout must fire
    if (stub.latencyMs) await new Promise((r) => setTimeout(r, stub.latencyMs));
    if (answer === 429) return send(429, { ErrorCode: 429, Message: 'Rate limit exceeded' });
    if (answer === 500) return send(500, { ErrorCode: 500, Message: 'Internal server error' });
    if (answer === 503) return send(503, { ErrorCode: 503, Message: 'Service unavailable' });
    if (answer === 422) return send(422, { ErrorCode: 300, Message: 'Invalid email request' });
    const reply =
      answer === 'accept-hang'
        ? (status: number, payload: unknown) => held.push(() => send(status, payload))
        : send;
    if (path === '/email/batch') {
      if (!Array.isArray(body) || body.length > 500) {
        return send(422, { ErrorCode: 300, Message: 'Batch must hold 1 to 500 messages' });
      }
      return reply(200, (body as StubMessage[]).map(answerMessage));
    }
    const result = answerMessage(body as StubMessage);
    return result.ErrorCode === 0 ? reply(200, result) : reply(422, result);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
