// The dev mailbox: /dev/mailbox and /dev/mailbox.json through the built app, and the helpers
// other tests use to read mail.
import http from 'node:http';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import { enqueueEmail } from '../../src/lib/server/email/outbox';
import { mailboxAvailable, type MailboxEntry } from '../../src/lib/server/email/mailbox';
import { renderMagicLinkEmail } from '../../src/lib/server/email/templates/magic-link';
import { appUrl, TestBrowser } from '../support/server';
import { drainOutbox, latestMailTo, mailsTo } from '../support/mailbox';
import { unique } from '../support/factories';
import { startInstance } from '../support/cluster';

async function sendMagicLink(to: string, subject = 'Sign in to Smith & Co') {
  const token = unique('tok');
  const mail = renderMagicLinkEmail({
    firmName: 'Smith & Co',
    heading: subject,
    intro: 'Tap the button to sign in.',
    buttonLabel: 'Sign in',
    url: `http://127.0.0.1/l/${token}`,
    code: '482913',
    expiresAt: new Date(Date.now() + 15 * 60_000)
  });
  await getDb().transaction((tx) => enqueueEmail(tx, { kind: 'sign_in', to, subject, ...mail }));
  return token;
}

/** A request straight from this machine: no proxy headers (TestBrowser sends two otherwise). */
const LOCAL = { 'x-forwarded-for': '', 'x-forwarded-proto': '' };

/** A raw request, so the test controls the Host header. */
async function rawGet(pathname: string, headers: Record<string, string>) {
  const url = new URL(await appUrl());
  return new Promise<number>((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: pathname, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('dev mailbox', () => {
  it('lists delivered mail newest first in the documented JSON shape', async () => {
    const to = `${unique('mb')}@example.test`;
    await sendMagicLink(to, 'First mail');
    const token = await sendMagicLink(to, 'Second mail');
    // Queued but not yet delivered: not in the mailbox.
    const before = await new TestBrowser().get(
      `/dev/mailbox.json?to=${encodeURIComponent(to)}`,
      LOCAL
    );
    expect(before.json()).toEqual([]);
    expect(await drainOutbox({ to })).toBe(2);

    const response = await new TestBrowser().get(
      `/dev/mailbox.json?to=${encodeURIComponent(to)}`,
      LOCAL
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const mails = response.json<MailboxEntry[]>();
    expect(mails.map((m) => m.subject)).toEqual(['Second mail', 'First mail']);
    expect(Object.keys(mails[0]).sort()).toEqual(
      ['createdAt', 'from', 'html', 'links', 'subject', 'text', 'to'].sort()
    );
    // Naming no firm, the mail comes from MAIL_FROM as it is.
    expect(mails[0]).toMatchObject({
      from: 'Sheaf <sheaf@localhost>',
      to,
      links: [`http://127.0.0.1/l/${token}`]
    });
    expect(new Date(mails[0].createdAt).toISOString()).toBe(mails[0].createdAt);
    expect(mails[0].text).toContain('482913');

    const all = (await new TestBrowser().get('/dev/mailbox.json', LOCAL)).json<MailboxEntry[]>();
    const times = all.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('shows mail on /dev/mailbox with its links and text', async () => {
    const to = `${unique('page')}@example.test`;
    const token = await sendMagicLink(to, 'Your Q3 review is ready');
    await drainOutbox({ to });
    const page = await new TestBrowser().get(`/dev/mailbox?to=${encodeURIComponent(to)}`, LOCAL);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Your Q3 review is ready');
    expect(page.text).toContain(`href="http://127.0.0.1/l/${token}"`);
    expect(page.text).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    const empty = await new TestBrowser().get(
      `/dev/mailbox?to=nobody-${unique('x')}@example.test`,
      LOCAL
    );
    expect(empty.text).toContain('No mail yet');
  });

  it('helpers give tests the newest mail with its magic link and code', async () => {
    const to = `${unique('helper')}@example.test`;
    await sendMagicLink(to, 'Older');
    const token = await sendMagicLink(to, 'Newer');
    const mail = await latestMailTo(to.toUpperCase());
    expect(mail).toMatchObject({ subject: 'Newer', code: '482913' });
    expect(mail?.link).toBe(`http://127.0.0.1/l/${token}`);
    expect(await mailsTo(to)).toHaveLength(2);
    expect(await latestMailTo(`nobody-${unique('x')}@example.test`)).toBeNull();
  });

  it('answers 404 to requests that did not come from this machine', async () => {
    expect(await rawGet('/dev/mailbox.json', {})).toBe(200);
    expect(await rawGet('/dev/mailbox.json', { host: 'sheaf.example.com' })).toBe(404);
    expect(await rawGet('/dev/mailbox', { host: 'sheaf.example.com' })).toBe(404);
    expect(await rawGet('/dev/mailbox.json', { 'x-forwarded-for': '203.0.113.9' })).toBe(404);
    expect(await rawGet('/dev/mailbox', { forwarded: 'for=203.0.113.9' })).toBe(404);
  });

  it('answers 404 to a request that any proxy header says was forwarded', async () => {
    const proxied: Record<string, string> = {
      'x-real-ip': '203.0.113.9',
      'x-client-ip': '203.0.113.9',
      'cf-connecting-ip': '203.0.113.9',
      'true-client-ip': '203.0.113.9',
      'x-cluster-client-ip': '203.0.113.9',
      'fastly-client-ip': '203.0.113.9',
      via: '1.1 proxy.example',
      'x-forwarded-host': 'sheaf.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      'x-forwarded-server': 'proxy.example'
    };
    for (const [name, value] of Object.entries(proxied)) {
      expect(await rawGet('/dev/mailbox.json', { [name]: value }), name).toBe(404);
      expect(await rawGet('/dev/mailbox', { [name]: value }), name).toBe(404);
    }
    expect(await rawGet('/dev/mailbox.json', {})).toBe(200);
  });

  it('decides who may see it: loopback only, everyone with MAIL_TRANSPORT=mailbox, nobody with Postmark', () => {
    const local = { clientAddress: '127.0.0.1', hostname: 'localhost', headers: new Headers() };
    const remote = {
      clientAddress: '203.0.113.9',
      hostname: 'sheaf.example',
      headers: new Headers()
    };
    expect(mailboxAvailable({}, local)).toBe(true);
    expect(mailboxAvailable({}, { ...local, clientAddress: '::1', hostname: '[::1]' })).toBe(true);
    expect(mailboxAvailable({}, { ...local, clientAddress: '::ffff:127.0.0.1' })).toBe(true);
    expect(mailboxAvailable({}, remote)).toBe(false);
    expect(mailboxAvailable({}, { ...local, clientAddress: '10.0.0.5' })).toBe(false);
    expect(mailboxAvailable({ MAIL_TRANSPORT: 'mailbox' }, remote)).toBe(true);
    expect(mailboxAvailable({ POSTMARK_SERVER_TOKEN: 'tok' }, local)).toBe(false);
  });

  it('answers requests from elsewhere on a server started with MAIL_TRANSPORT=mailbox', async () => {
    // Listening on every interface, so a request can come from this machine's own network
    // address (not loopback) when it has one.
    const instance = await startInstance({
      env: { HOST: '0.0.0.0', DATABASE_URL: '', MAIL_TRANSPORT: 'mailbox', LOG_LEVEL: 'warn' },
      waitMs: 90_000
    });
    try {
      const remote = { host: 'sheaf.example.com', 'x-forwarded-for': '203.0.113.9' };
      const asked = (pathname: string, headers: Record<string, string>, host = '127.0.0.1') =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          http
            .get({ host, port: instance.port, path: pathname, headers }, (res) => {
              let body = '';
              res.on('data', (d) => (body += d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      const json = await asked('/dev/mailbox.json', remote);
      expect(json.status).toBe(200);
      expect(Array.isArray(JSON.parse(json.body))).toBe(true);
      expect((await asked('/dev/mailbox', remote)).status).toBe(200);
      const lan = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (lan) expect((await asked('/dev/mailbox.json', {}, lan)).status).toBe(200);
    } finally {
      await instance.stop('SIGTERM');
    }
  }, 180_000);

  it('does not exist at all on a server with a Postmark token', async () => {
    // startInstance picks a free port, fails with the server's output if it exits or does not
    // answer in time, and stop() returns even when the process has already gone.
    const server = await startInstance({
      env: {
        DATABASE_URL: '',
        POSTMARK_SERVER_TOKEN: 'server-token',
        POSTMARK_API_URL: 'http://127.0.0.1:9',
        EMAIL_WORKER: 'false'
      },
      // A fresh PGlite and its migrations take a while on a machine busy with other tests.
      waitMs: 90_000
    });
    try {
      expect((await fetch(`${server.url}/dev/mailbox.json`)).status).toBe(404);
      const page = await fetch(`${server.url}/dev/mailbox`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("We can't find that page");
    } finally {
      await server.stop();
    }
  }, 180_000);
});
