// Huge and slow request bodies against `node build` configured as in production: BODY_SIZE_LIMIT
// fits a 50 MB PDF, so it is the hook's own caps (src/lib/server/http/body-limit.ts) that keep a
// signed-out visitor from making a form action buffer megabytes, and BODY_IDLE_TIMEOUT (1 s here,
// 30 s by default) that stops a client holding a request open by sending nothing. Both drivers.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../../support/cluster';
import { makePdf, unique } from '../../support/factories';
import {
  createInstanceDatabase,
  makePdfOfSize,
  seedStaffWithDraft,
  type InstanceDatabase
} from '../../support/instance-data';

const driver = process.env.SHEAF_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const MB = 1024 * 1024;

let database: InstanceDatabase;
let instance: Instance;
let seeded: Awaited<ReturnType<typeof seedStaffWithDraft>>;

beforeAll(async () => {
  database = await createInstanceDatabase(driver);
  seeded = await database.use(seedStaffWithDraft);
  instance = await startInstance({
    env: {
      ...database.env,
      BODY_IDLE_TIMEOUT: '1',
      EMAIL_WORKER: 'true',
      POSTMARK_WEBHOOK_USER: 'hook',
      POSTMARK_WEBHOOK_PASSWORD: 'hook-secret'
    },
    waitMs: 120_000
  });
}, 180_000);

afterAll(async () => {
  await instance?.stop();
  await database?.drop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes the client managed to hand to its socket before the answer. */
  sent: number;
}

/**
 * A POST on its own connection. `send` writes the body at its own pace and should stop once
 * `answered()` is true; the promise settles with the server's answer, or rejects when the
 * connection was cut without one. A server that stops reading must still let us read its answer
 * (it lingers before closing: src/lib/server/http/linger.ts), so EPIPE or ECONNRESET before the
 * answer is a failure, not an expected race.
 */
function post(
  pathname: string,
  headers: Record<string, string>,
  send: (req: http.ClientRequest, answered: () => boolean, count: (n: number) => void) => void
): Promise<Answer> {
  let sent = 0;
  let answered = false;
  return new Promise((resolve, reject) => {
    const req = http.request(`${instance.url}${pathname}`, {
      method: 'POST',
      agent: false,
      headers: { origin: instance.url, accept: 'text/html', ...headers }
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          sent
        })
      );
      res.on('error', reject);
    });
    // Once answered, the server closes (after lingering) while we may still hold the socket.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) reject(error);
    });
    send(
      req,
      () => answered,
      (n) => (sent += n)
    );
  });
}

/** Writes head, then `padding` bytes of filler in 64 KB chunks (minding backpressure), then tail. */
function flood(head: string, padding: number, tail: string) {
  return (req: http.ClientRequest, answered: () => boolean, count: (n: number) => void) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = padding;
    req.write(head);
    const pump = () => {
      while (left > 0 && !answered() && !req.destroyed) {
        left -= chunk.length;
        count(chunk.length);
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered() && !req.destroyed) req.end(tail);
    };
    pump();
  };
}

/** Sends nothing more; once the server has answered, drops the connection. */
function holdUntilAnswered(req: http.ClientRequest, answered: () => boolean) {
  const wait = setInterval(() => {
    if (!answered()) return;
    clearInterval(wait);
    req.destroy();
  }, 50);
}

function multipart(fields: Record<string, string>, boundary: string): string {
  return Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    )
    .join('');
}

async function mailboxFor(email: string): Promise<unknown[]> {
  const r = await fetch(`${instance.url}/dev/mailbox.json?to=${encodeURIComponent(email)}`);
  expect(r.status).toBe(200);
  return (await r.json()) as unknown[];
}

describe(`huge bodies (${driver})`, () => {
  it('a chunked 50 MB multipart sign-in: 413 after 64 KB, and no sign-in mail', async () => {
    const boundary = 'sheafflood';
    const answer = await post(
      '/sign-in',
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
      flood(
        multipart({ email: seeded.staff.email }, boundary) +
          `--${boundary}\r\nContent-Disposition: form-data; name="padding"\r\n\r\n`,
        50 * MB,
        `\r\n--${boundary}--\r\n`
      )
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('This request is larger than Sheaf accepts (64\u00a0KB).');
    expect(answer.headers.connection).toBe('close');
    // The server stopped reading: what got out is the socket buffers' worth, not the 50 MB.
    expect(answer.sent).toBeLessThan(20 * MB);

    // A normal sign-in still works, and is the only mail: the flood asked for none.
    const normal = await post(
      '/sign-in',
      { 'content-type': 'application/x-www-form-urlencoded' },
      (req) => req.end(new URLSearchParams({ email: seeded.staff.email }).toString())
    );
    expect(normal.status).toBe(200);
    for (let i = 0; i < 100 && (await mailboxFor(seeded.staff.email)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await mailboxFor(seeded.staff.email)).toHaveLength(1);
  }, 180_000);

  it('a Content-Length over the cap: 413 before the body is read', async () => {
    const answer = await post(
      '/sign-in',
      {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(50 * MB)
      },
      (req, answered) => {
        req.write(`email=${encodeURIComponent('someone@example.test')}&padding=`);
        holdUntilAnswered(req, answered);
      }
    );
    expect(answer.status).toBe(413);
  });

  it('a chunked 50 MB CSV import: 413 after about 2 MB, and no client made', async () => {
    const boundary = 'sheafcsv';
    const name = unique('Flood Bakery');
    const csv = `client name,code,email\n${name},FLOOD1,flood@example.test\n`;
    const answer = await post(
      '/firm/clients?/import',
      { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: seeded.cookie },
      flood(
        multipart({ csv }, boundary) +
          `--${boundary}\r\nContent-Disposition: form-data; name="padding"\r\n\r\n`,
        50 * MB,
        `\r\n--${boundary}--\r\n`
      )
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('The CSV is larger than 2 MB.');
    expect(answer.sent).toBeLessThan(25 * MB);

    const clients = await fetch(`${instance.url}/firm/clients?q=Flood`, {
      headers: { cookie: seeded.cookie }
    });
    expect(clients.status).toBe(200);
    expect(await clients.text()).not.toContain(name);
  }, 180_000);

  it('an import over the form cap but within 2 MB goes through; the same body to sign-in does not', async () => {
    const name = unique('Roomy Bakery');
    // 100 KB: blank lines after the one row, which the CSV reader skips.
    const csv = `client name,code,email\n${name},ROOMY1,roomy@example.test\n${'\n'.repeat(100 * 1024)}`;
    const form = new URLSearchParams({ csv }).toString();
    const imported = await post(
      '/firm/clients?/import',
      { 'content-type': 'application/x-www-form-urlencoded', cookie: seeded.cookie },
      (req) => req.end(form)
    );
    expect(imported.status, imported.body.slice(0, 500)).toBe(200);
    const clients = await fetch(`${instance.url}/firm/clients?q=Roomy`, {
      headers: { cookie: seeded.cookie }
    });
    expect(await clients.text()).toContain(name);

    const signIn = await post(
      '/sign-in',
      { 'content-type': 'application/x-www-form-urlencoded' },
      (req) => req.end(form)
    );
    expect(signIn.status).toBe(413);
  });

  it("routes that read JSON themselves pass the cap's 413 on, not 400 'not JSON'", async () => {
    const json = (padding: number) =>
      flood('{"RecordType":"Delivery","MessageID":"x","padding":"', padding, '"}');
    const hook = await post(
      '/api/webhooks/postmark',
      {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('hook:hook-secret').toString('base64')}`
      },
      json(3 * MB)
    );
    expect(hook.status).toBe(413);
    expect(hook.body).toContain('The event is larger than Sheaf accepts (1 MB).');
    const bulk = await post(
      '/firm/packets/bulk/create',
      {
        'content-type': 'application/json',
        origin: instance.url,
        cookie: seeded.cookie
      },
      json(1 * MB)
    );
    expect(bulk.status).toBe(413);
  }, 180_000);

  it('refused while still sending, a client reads its 413 every time, not a reset', async () => {
    // The server answers once 1 MB of the 3 MB has arrived and stops reading. Closing at once
    // would reset the connection under a client still writing, and the client would see EPIPE
    // before the answer: the close lingers instead. Several in parallel, as a busy machine
    // makes the race likely.
    const hook = () =>
      post(
        '/api/webhooks/postmark',
        {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('hook:hook-secret').toString('base64')}`
        },
        flood('{"RecordType":"Delivery","padding":"', 3 * MB, '"}')
      );
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all([hook(), hook(), hook(), hook()]);
      for (const answer of answers) {
        expect(answer.status).toBe(413);
        expect(answer.body).toContain('The event is larger than Sheaf accepts (1 MB).');
        expect(answer.headers.connection).toBe('close');
      }
    }
    expect((await fetch(`${instance.url}/api/healthz`)).status).toBe(200);
  }, 180_000);

  it('a PDF upload is not held to the form cap', async () => {
    const pdf = Buffer.from(await makePdfOfSize(1.5 * MB));
    const answer = await post(
      `/firm/packets/${seeded.packet.id}/documents`,
      {
        'content-type': 'application/pdf',
        'x-filename': 'ledger.pdf',
        accept: 'application/json',
        cookie: seeded.cookie
      },
      (req) => req.end(pdf)
    );
    expect(answer.status, answer.body).toBe(201);
  });
});

describe(`slow bodies (${driver}, BODY_IDLE_TIMEOUT=1)`, () => {
  it('an upload whose body stops half-way: 408 naming the file, nothing stored', async () => {
    const pdf = Buffer.from(await makePdf(3, 'Stalled statement'));
    const answer = await post(
      `/firm/packets/${seeded.packet.id}/documents`,
      {
        'content-type': 'application/pdf',
        'content-length': String(pdf.byteLength),
        'x-filename': 'stalled.pdf',
        accept: 'application/json',
        cookie: seeded.cookie
      },
      (req, answered) => {
        req.write(pdf.subarray(0, pdf.byteLength >> 1));
        holdUntilAnswered(req, answered);
      }
    );
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      error: '"stalled.pdf" arrived too slowly; please try again.'
    });
    const page = await fetch(`${instance.url}/firm/packets/${seeded.packet.id}`, {
      headers: { cookie: seeded.cookie }
    });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('stalled.pdf');
  });

  it('a form whose body stops half-way: 408, and the server serves on', async () => {
    const answer = await post(
      '/sign-in',
      { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '200' },
      (req, answered) => {
        req.write('email=slow%40example.test&pad=');
        holdUntilAnswered(req, answered);
      }
    );
    expect(answer.status).toBe(408);
    expect(answer.body).toContain('The request arrived too slowly. Please try again.');
    expect(answer.headers.connection).toBe('close');
    expect((await fetch(`${instance.url}/api/healthz`)).status).toBe(200);
  });
});
