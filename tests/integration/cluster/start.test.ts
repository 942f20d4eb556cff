// Several instances on one PostgreSQL database behind a round-robin proxy (tests/support/
// cluster.ts). PostgreSQL only: PGlite is one process by design (see vite.config.ts).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, startProxy, type Cluster } from '../../support/cluster';
import { TestBrowser } from '../../support/server';

describe('two instances starting at once on an empty database', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ instances: 2 });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('apply each migration exactly once', async () => {
    const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as {
      entries: Array<{ when: number }>;
    };
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<Array<{ hash: string; created_at: string }>>`
        select hash, created_at from drizzle.__drizzle_migrations order by id`;
      expect(rows.length).toBe(journal.entries.length);
      expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
      expect(rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
    } finally {
      await sql.end();
    }
    for (const instance of cluster.instances) {
      expect(instance.output()).not.toMatch(/error|already exists/i);
      // Without S3 each instance would keep its own documents: the banner says so.
      expect(instance.output()).toContain(
        'Documents are stored on this machine (' // DATA_DIR differs per instance
      );
      expect(instance.output()).toContain('set S3_BUCKET before running more than one instance');
    }
  });

  it('both answer /api/healthz 200 through the proxy, in turn', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${cluster.url}/api/healthz`);
      expect(response.status).toBe(200);
      answers.push(await response.json());
    }
    expect(answers).toEqual(Array(4).fill({ ok: true, db: 'postgres' }));
    expect(cluster.proxy.counts).toEqual([2, 2]);
  });

  it('serve pages whose links point at the shared public origin', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${cluster.url}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('</html>');
    }
    expect(cluster.proxy.counts).toEqual([3, 3]);
  });
});

describe('first-run setup with two instances', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ instances: 2, env: { MAIL_TRANSPORT: 'mailbox' } });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('each instance prints a setup link at the public origin, one stays live, and only one firm is ever created', async () => {
    const tokens = cluster.instances.map((instance) => {
      const match = /First run: create your firm at (\S+)/.exec(instance.output());
      expect(match, instance.output()).not.toBeNull();
      const url = new URL(match![1]);
      expect(url.origin).toBe(cluster.url);
      return url.searchParams.get('token')!;
    });
    expect(new Set(tokens).size).toBe(2);
    // One live setup token at a time: the instance that started last replaced the other's, which
    // now says so (on either instance).
    const opened = await Promise.all(
      tokens.map(async (token) => (await fetch(`${cluster.url}/setup?token=${token}`)).status)
    );
    expect([...opened].sort()).toEqual([200, 410]);

    // Two people (or one, in two tabs) finish setup at the same moment on different instances.
    const answers = await Promise.all(
      cluster.instances.map((instance, i) => {
        const browser = new TestBrowser();
        browser.base = instance.url;
        browser.origin = cluster.url;
        return browser.post(`/setup?token=${tokens[i]}`, {
          firmName: `Firm ${i}`,
          ownerName: `Owner ${i}`,
          email: `owner${i}@example.test`
        });
      })
    );
    // The replaced link is 410 while no firm exists, 404 once the other setup has made one.
    // The one that made the firm is signed in and sent on to it (303).
    const [created, refused] = answers.map((a) => a.status).sort();
    expect(created).toBe(303);
    expect([404, 410]).toContain(refused);
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const firms = await sql<Array<{ name: string }>>`select name from firm`;
      expect(firms).toHaveLength(1);
      const users = await sql<Array<{ email: string }>>`select email from "user"`;
      expect(users).toHaveLength(1);
    } finally {
      await sql.end();
    }
    // Both links are spent now, on either instance.
    for (const [i, instance] of cluster.instances.entries()) {
      const browser = new TestBrowser();
      browser.base = instance.url;
      expect((await browser.get(`/setup?token=${tokens[i]}`)).status).toBe(404);
      expect((await browser.get(`/setup?token=${tokens[1 - i]}`)).status).toBe(404);
    }
  });
});

describe('the round-robin proxy', () => {
  it('forwards method, path, headers, cookies and body, and passes every Set-Cookie back', async () => {
    const seen: Array<{
      method?: string;
      url?: string;
      headers: http.IncomingHttpHeaders;
      body: string;
    }> = [];
    const backends = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const server = http.createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            seen.push({ method: req.method, url: req.url, headers: req.headers, body });
            res.setHeader('set-cookie', [`from=${name}; Path=/`, 'second=2; HttpOnly']);
            res.writeHead(303, { location: '/next' }).end();
          });
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      })
    );
    const proxy = await startProxy(backends.map((b) => b.url));
    try {
      const responses = [];
      for (let i = 0; i < 2; i++) {
        responses.push(
          await fetch(`${proxy.url}/login?x=${i}`, {
            method: 'POST',
            redirect: 'manual',
            headers: {
              cookie: 'sheaf_session=abc; other=1',
              'content-type': 'application/x-www-form-urlencoded',
              origin: proxy.url,
              'x-forwarded-for': '203.0.113.9'
            },
            body: 'email=ann%40example.test'
          })
        );
      }
      expect(responses.map((r) => r.status)).toEqual([303, 303]);
      expect(responses[0].headers.getSetCookie()).toEqual(['from=a; Path=/', 'second=2; HttpOnly']);
      expect(responses[1].headers.getSetCookie()).toEqual(['from=b; Path=/', 'second=2; HttpOnly']);
      expect(responses[0].headers.get('location')).toBe('/next');
      expect(seen.map((s) => s.url)).toEqual(['/login?x=0', '/login?x=1']);
      for (const request of seen) {
        expect(request.method).toBe('POST');
        expect(request.body).toBe('email=ann%40example.test');
        expect(request.headers.cookie).toBe('sheaf_session=abc; other=1');
        expect(request.headers.origin).toBe(proxy.url);
        expect(request.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      }
      expect(proxy.counts).toEqual([1, 1]);
    } finally {
      await proxy.stop();
      for (const b of backends) b.server.close();
    }
  });
});
