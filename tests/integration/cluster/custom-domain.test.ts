// A firm's own domain in front of Sheaf, as docs/DEPLOY.md shows it: its "A firm's own domain"
// nginx block, run by a real nginx on loopback with TLS (a certificate made here for
// portal.ledgerline.test), in front of an instance whose ORIGIN is https://portal.ledgerline.test.
// Every request goes to 127.0.0.1 but names that host (SNI and Host), as a browser would.
// PostgreSQL project only, like the other cluster tests; it checks nothing database-specific.
// Under CI=true a missing nginx or openssl fails the test; elsewhere it is skipped, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { desc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import type { Db } from '../../../src/lib/server/db/client';
import type { EmailMessage } from '../../../src/lib/server/email/outbox';
import { freePort, openClusterDb, startInstance, type Instance } from '../../support/cluster';
import { deployNginxConfig, findNginx, startNginx, type Nginx } from '../../support/nginx';
import { createTestDatabase } from '../../support/postgres';
import { createFirmWithStaff } from '../../support/factories';
import { selectOutbox } from '../../support/outbox';
import { outboxPayload } from '../../../src/lib/server/email/outbox';

const HOST = 'portal.ledgerline.test';
const ORIGIN = `https://${HOST}`;
const nginxBin = findNginx();
const openssl = existsSync('/usr/bin/openssl')
  ? { bin: '/usr/bin/openssl' }
  : { missing: 'openssl not found at /usr/bin/openssl' };
const missing = 'bin' in nginxBin ? ('bin' in openssl ? null : openssl.missing) : nginxBin.missing;

let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let instance: Instance | undefined;
let proxy: Nginx | undefined;
let db: Db;
let closeDb: (() => Promise<void>) | undefined;
let certDir: string | undefined;
/** nginx's loopback port. */
let port = 0;
let ca: Buffer;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to nginx on loopback, addressed to HOST (SNI and Host), trusting only our cert. */
function send(
  method: string,
  pathname: string,
  options: { headers?: Record<string, string>; form?: Record<string, string> } = {}
): Promise<{ status: number; headers: Answer['headers']; bytes: Buffer }> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: HOST,
        ca,
        method,
        path: pathname,
        agent: false,
        headers: {
          host: HOST,
          accept: 'text/html',
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...options.headers
        }
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: Buffer.concat(chunks)
          })
        );
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** As send(), with the body as text. */
async function request(...args: Parameters<typeof send>): Promise<Answer> {
  const { bytes, ...answer } = await send(...args);
  return { ...answer, body: bytes.toString() };
}

/** Skips a test where nginx is missing; under CI=true a missing nginx fails it instead. */
function needNginx(ctx: { skip: (note?: string) => void }) {
  if (!missing) return;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${missing}`);
  console.warn(`custom domain skipped: ${missing}`);
  ctx.skip(missing);
}

const cookiesOf = (answer: Answer) => (answer.headers['set-cookie'] as string[] | undefined) ?? [];
const cookiePair = (line: string) => line.split(';')[0];

beforeAll(async () => {
  if (missing) return;
  certDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-cert-'));
  const certificate = path.join(certDir, 'cert.pem');
  const key = path.join(certDir, 'key.pem');
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      key,
      '-out',
      certificate
    ],
    { stdio: 'ignore' }
  );
  ca = readFileSync(certificate);
  port = await freePort();
  database = await createTestDatabase('sheaf_domain');
  instance = await startInstance({
    env: {
      DATABASE_URL: database.url,
      ORIGIN,
      ADDRESS_HEADER: 'X-Forwarded-For',
      XFF_DEPTH: '1',
      DB_POOL_MAX: '3',
      MAIL_TRANSPORT: 'mailbox',
      // The mail stays in the outbox for this test to read.
      EMAIL_WORKER: 'false'
    }
  });
  proxy = await startNginx((nginxBin as { bin: string }).bin, [instance.url], {
    port,
    block: deployNginxConfig(undefined, "### A firm's own domain"),
    tls: { certificate, key },
    ready: () =>
      request('GET', '/api/healthz').then(
        (r) => r.status === 200,
        () => false
      )
  });
  ({ db, close: closeDb } = openClusterDb(database.url));
}, 180_000);

afterAll(async () => {
  await closeDb?.();
  await instance?.stop('SIGTERM');
  await proxy?.stop();
  await database?.drop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe("a firm's own domain in front of Sheaf (nginx, TLS at the proxy)", () => {
  it('signs in on that host: same-origin posts, host-only Secure cookies, links to the host', async (ctx) => {
    needNginx(ctx);
    const page = await request('GET', '/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['strict-transport-security']).toContain('max-age=');

    const { staff } = await createFirmWithStaff(db);
    // A post from another origin is refused before anything is sent.
    const foreign = await request('POST', '/sign-in', {
      headers: { origin: 'https://sheaf.example.net' },
      form: { email: staff.email }
    });
    expect(foreign.status).toBe(403);

    const asked = await request('POST', '/sign-in', {
      headers: { origin: ORIGIN },
      form: { email: staff.email }
    });
    expect(asked.status).toBe(200);
    const binding = cookiesOf(asked);
    expect(binding.length).toBeGreaterThan(0);
    for (const line of binding) {
      expect(line).toMatch(/;\s*Secure/i);
      expect(line).not.toMatch(/;\s*Domain=/i);
    }

    const [row] = await selectOutbox(db)
      .where(sql`lower(${outboxPayload}->>'to') = ${staff.email}`)
      .orderBy(desc(s.outbox.id))
      .limit(1);
    const mail = row.payload as EmailMessage;
    const link = /https:\/\/[^\s"<>]+\/l\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link, mail.text).toBeTruthy();
    expect(new URL(link!).origin).toBe(ORIGIN);

    const done = await request('POST', new URL(link!).pathname, {
      headers: { origin: ORIGIN, cookie: binding.map(cookiePair).join('; ') },
      form: {}
    });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/firm');
    const session = cookiesOf(done).find((l) => l.startsWith('__Host-sheaf_session='));
    expect(session).toBeTruthy();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).not.toMatch(/;\s*Domain=/i);

    const firm = await request('GET', '/firm', { headers: { cookie: cookiePair(session!) } });
    expect(firm.status).toBe(200);
  });

  it('sends pages gzipped to a browser that takes gzip, and built files as they were built', async (ctx) => {
    needNginx(ctx);
    const plain = await request('GET', '/sign-in');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const page = await send('GET', '/sign-in', {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' }
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers.vary).toMatch(/Accept-Encoding/i);
    const html = gunzipSync(page.bytes).toString();
    expect(html).toContain('<html');
    expect(html).toContain(plain.body.slice(0, 40));
    expect(page.bytes.byteLength).toBeLessThan(Buffer.byteLength(plain.body) / 2);
    // The worker, precompressed at build time, comes as the instance sent it.
    const worker = await send('GET', '/service-worker.js', {
      headers: { accept: '*/*', 'accept-encoding': 'gzip, br' }
    });
    expect(worker.status).toBe(200);
    expect(worker.headers['content-encoding']).toBe('br');
  });

  it('serves the service worker and manifest for scope /, and passkeys for the host', async (ctx) => {
    needNginx(ctx);
    const worker = await request('GET', '/service-worker.js', { headers: { accept: '*/*' } });
    expect(worker.status).toBe(200);
    expect(worker.headers['content-type']).toMatch(/javascript/);
    const manifest = await request('GET', '/manifest.webmanifest', { headers: { accept: '*/*' } });
    expect(manifest.status).toBe(200);
    expect(JSON.parse(manifest.body)).toMatchObject({ scope: '/', start_url: '/p' });

    const options = await request('POST', '/api/passkeys/sign-in/options', {
      headers: { origin: ORIGIN, accept: 'application/json', 'content-type': 'application/json' }
    });
    expect(options.status).toBe(200);
    expect(JSON.parse(options.body)).toMatchObject({ rpId: HOST });
  });
});
