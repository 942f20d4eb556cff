// Hostile input through the real app: sign-in floods, cross-site form posts, path traversal in
// upload names, polyglot files, and bodies too big to buffer. Both drivers.
// Code guessing (stopped after 5 tries) is tests/integration/auth/code.test.ts.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { LIMITS, rateLimitKey } from '../../../src/lib/server/auth/rate-limit';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  makePdf,
  signIn,
  unique
} from '../../support/factories';
import { documentsOf, staffWorld, uploadPdf } from '../../support/firm';
import { latestMailTo, linkPathOf, mailsTo } from '../../support/mail';
import { SESSION_COOKIE, appUrl, TestBrowser } from '../../support/server';

/** Asks for a sign-in link, opens it and confirms: a real person getting in. */
async function getsIn(email: string) {
  const browser = new TestBrowser();
  const asked = await browser.post('/sign-in', { email });
  expect(asked.status).toBe(200);
  const done = await browser.post(linkPathOf(await latestMailTo(email)));
  expect(done.status).toBe(303);
  expect(browser.cookies.get(SESSION_COOKIE)).toBeTruthy();
}

describe('sign-in floods', () => {
  it('from one IP: 429 with when to retry after 30; a real user elsewhere still gets in', async () => {
    const { staff } = await createFirmWithStaff();
    const attacker = new TestBrowser();
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 45; i++) {
      const r = await attacker.post('/sign-in', { email: `${unique('flood')}@example.test` });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.filter((x) => x === 200)).toHaveLength(30);
    expect(statuses.slice(30).every((x) => x === 429)).toBe(true);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.text).toMatch(/try again in \d+ (seconds?|minutes?)/);
    await getsIn(staff.email);
  });

  it('across many IPs at one address: one mail, the rest 429; its owner still gets in', async () => {
    const { staff } = await createFirmWithStaff();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await new TestBrowser().post('/sign-in', { email: staff.email })).status);
    }
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1).every((x) => x === 429)).toBe(true);
    expect(await mailsTo(staff.email)).toHaveLength(1);
    // The owner uses the link that did go out.
    const browser = new TestBrowser();
    const done = await browser.post(linkPathOf(await latestMailTo(staff.email)));
    expect(done.status).toBe(303);
    expect(done.location).toBe('/firm');
  });

  it('across many IPs and many addresses: each IP is held to its own limit', async () => {
    const ips = Array.from({ length: 2 }, () => new TestBrowser());
    for (const browser of ips) {
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) {
        statuses.push(
          (await browser.post('/sign-in', { email: `${unique('spray')}@example.test` })).status
        );
      }
      expect(statuses.slice(0, 30).every((x) => x === 200)).toBe(true);
      expect(statuses.slice(30)).toEqual([429, 429]);
    }
    const { staff } = await createFirmWithStaff();
    await getsIn(staff.email);
  });

  it("across many IPs at a firm's known addresses: the firm's own bucket caps its mail", async () => {
    const db = getDb();
    const sprayed = await createFirmWithStaff(db);
    const other = await createFirmWithStaff(db);
    const firmKey = rateLimitKey('signin-firm', sprayed.firm.id);
    // Each mail sent in the firm's name takes from its bucket; unknown addresses take nothing.
    await new TestBrowser().post('/sign-in', { email: sprayed.staff.email });
    await new TestBrowser().post('/sign-in', { email: `${unique('nobody')}@example.test` });
    const [after] = await db.select().from(s.rateLimit).where(eq(s.rateLimit.key, firmKey));
    expect(after.tokens).toBeCloseTo(LIMITS.signInFirm.capacity - 1, 0);
    expect(await mailsTo(sprayed.staff.email)).toHaveLength(1);

    // The spray has used up the firm's hour: the answer is the same, and no mail goes out.
    await db
      .update(s.rateLimit)
      .set({ tokens: 0, updatedAt: new Date() })
      .where(eq(s.rateLimit.key, firmKey));
    const refused = await new TestBrowser().post('/sign-in', { email: sprayed.owner.email });
    const unknown = await new TestBrowser().post('/sign-in', {
      email: `${unique('nobody')}@example.test`
    });
    expect(refused.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(refused.text.includes('has access')).toBe(unknown.text.includes('has access'));
    expect(await mailsTo(sprayed.owner.email)).toHaveLength(0);
    // Another firm's people are not held back by it.
    await getsIn(other.staff.email);
  });
});

describe('cross-site requests', () => {
  it('refuses a form POST from another origin with 403 and changes nothing', async () => {
    const db = getDb();
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const { contact, user } = await createContact(db, client);
    const packet = await createPacket(db, client);
    await db
      .insert(s.delivery)
      .values({ firmId: firm.id, packetId: packet.id, version: 1, contactId: contact.id });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    const evil = { origin: 'https://evil.example', accept: 'text/html' };
    const approve = await browser.post(`/p/${packet.id}?/approve`, {}, evil);
    expect(approve.status).toBe(403);
    expect(approve.text).toMatch(/Cross-site .* forbidden/i);
    expect(await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id))).toEqual(
      []
    );
    expect((await new TestBrowser().post('/sign-in', { email: staff.email }, evil)).status).toBe(
      403
    );
    expect(await mailsTo(staff.email)).toHaveLength(0);
    expect((await browser.post('/account?/signOutEverywhere', {}, evil)).status).toBe(403);
    expect((await browser.get('/account')).status).toBe(200); // still signed in
  });

  it('refuses an upload from another origin, or with no Origin at all', async () => {
    const { browser, db, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const pdf = await makePdf(1);
    for (const origin of ['https://evil.example', 'null', undefined]) {
      const headers: Record<string, string> = {
        'content-type': 'application/pdf',
        'x-filename': 'x.pdf'
      };
      if (origin) headers.origin = origin;
      else headers.origin = ''; // TestBrowser adds one unless told otherwise
      const r = await browser.request('POST', `/firm/packets/${packet.id}/documents`, {
        body: new Blob([pdf as Uint8Array<ArrayBuffer>]),
        headers
      });
      expect(r.status, String(origin)).toBe(403);
    }
    expect(await documentsOf(packet.id)).toHaveLength(0);
  });
});

describe('headers that keep pages inert', () => {
  it('forbid framing and sniffing, and allow no inline script without a nonce', async () => {
    const db = getDb();
    const { staff } = await createFirmWithStaff(db);
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    for (const [path, who] of [
      ['/', browser],
      ['/sign-in', new TestBrowser()],
      ['/firm', browser]
    ] as const) {
      const r = await who.get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('same-origin');
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      const scripts = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      expect(scripts).toContain("'self'");
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toMatch(/'unsafe-eval'/);
    }
  });
});

describe('hostile upload names and files', () => {
  const blobFiles = () =>
    readdirSync(path.join(process.env.DATA_DIR!, 'blobs'), { recursive: true }).map(String);

  it('never lets a path in a filename reach the file system; shows it escaped', async () => {
    const { browser, db, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const names = [
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['..\\..\\x.pdf', 'x.pdf'],
      ['evil\u0000.pdf\u0000.html', 'evil.pdf.html'],
      ['/abs/olute.pdf', 'olute.pdf'],
      ['"><img src=x onerror=alert(1)>.pdf', 'onerror=alert(1)>.pdf']
    ];
    for (const [name, stored] of names) {
      const r = await uploadPdf(browser, packet.id, name, await makePdf(1));
      expect(r.status, name).toBe(201);
      expect(r.json<{ document: { filename: string } }>().document.filename).toContain(stored);
    }
    const docs = await documentsOf(packet.id);
    for (const d of docs) {
      expect(d.filename).not.toMatch(/[\\/]|\.\./);
      expect(d.filename).not.toContain('\u0000');
      expect(d.blobKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
    }
    expect(blobFiles().some((f) => /passwd|olute|evil|\.\./.test(f))).toBe(false);
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).not.toContain('<img src=x onerror');
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)');
  });

  it('serves a PDF with HTML or a ZIP appended as a sandboxed, non-sniffable PDF', async () => {
    const { browser, db, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    const pdf = await makePdf(1);
    const html = new TextEncoder().encode(
      '\n<html><body><script>alert(document.cookie)</script></body></html>\n'
    );
    // A minimal empty ZIP archive (end of central directory record) after the PDF.
    const zip = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    for (const [name, tail] of [
      ['polyglot.html', html],
      ['polyglot.zip', zip]
    ] as const) {
      const bytes = new Uint8Array([...pdf, ...tail]);
      const up = await uploadPdf(browser, packet.id, name, bytes);
      // A PDF with bytes after %%EOF is still a PDF that opens, so it is kept; what matters is
      // that it is only ever served as an inert PDF, never as the HTML or ZIP it also is.
      expect(up.status).toBe(201);
      const id = up.json<{ document: { id: string } }>().document.id;
      const file = await browser.get(`/api/files/${id}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(file.headers.get('content-security-policy')).toMatch(/(^|;\s*)sandbox(;|$)/);
      const disposition = file.headers.get('content-disposition')!;
      expect(disposition).toMatch(/^inline; filename="polyglot\.(html|zip)\.pdf"/);
    }
  });

  it('answers 413 to an endless upload body without reading it all', async () => {
    const { browser, db, client } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 500 * 1024 * 1024) return controller.close();
        controller.enqueue(chunk);
      }
    });
    const base = await appUrl();
    const response = await fetch(`${base}/firm/packets/${packet.id}/documents`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        origin: base,
        'x-forwarded-for': browser.ip,
        'x-forwarded-proto': 'http',
        'content-type': 'application/pdf',
        'x-filename': 'huge.pdf'
      }
    } as RequestInit).catch((error: Error) => error);
    // The server answers 413 (or, having answered, closes the socket under the client).
    if (response instanceof Error)
      expect(String(response.cause ?? response)).toMatch(/socket|closed|reset|EPIPE/i);
    else expect(response.status).toBe(413);
    // The server stopped reading early: far less than the body was pulled from the client.
    expect(pulled).toBeLessThan(120 * 1024 * 1024);
    expect(await documentsOf(packet.id)).toHaveLength(0);
  });

  it('answers 413 to a huge form post', async () => {
    const started = Date.now();
    const r = await new TestBrowser().post('/sign-in', { email: 'x'.repeat(80 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
