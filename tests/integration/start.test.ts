// `npm start` and the CLI as a user runs them: child processes on a fresh data directory.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInstanceDatabase,
  makePdfOfSize,
  seedStaffWithDraft
} from '../support/instance-data';
import { createTestDatabase, postgresAvailable } from '../support/postgres';
import { cleanEnv, freePort, runScript, type Running } from '../support/process';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function start(env: Record<string, string>, port?: number) {
  port ??= await freePort();
  const app = runScript(
    'scripts/start.ts',
    [],
    cleanEnv({ PORT: String(port), HOST: '127.0.0.1', ...env })
  );
  running.push(app);
  const base = `http://127.0.0.1:${port}`;
  await app.waitFor(/Listening on/);
  return { app, base, port };
}

async function healthz(base: string) {
  const response = await fetch(`${base}/api/healthz`);
  return { status: response.status, body: await response.json() };
}

const ci = process.env.CI === 'true' || process.env.CI === '1';
const pg = ci || (await postgresAvailable());

// Each case spawns its own servers, so vite.config.ts runs this file once (in the PGlite
// project), not once per database.
describe('npm start', () => {
  it('serves a fresh PGlite directory, prints the links, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-start-'));
    const first = await start({ DATA_DIR: dataDir });
    expect(await healthz(first.base)).toEqual({ status: 200, body: { ok: true, db: 'pglite' } });
    const out = first.app.stdout();
    expect(out).toContain(`Sheaf is running at http://localhost:${first.port}`);
    expect(out).toMatch(new RegExp(`/setup\\?token=[a-z0-9]{20,}`));
    expect(out).toContain(`http://localhost:${first.port}/dev/mailbox`);

    // The CLI refuses plainly while the server holds the PGlite directory.
    const cli = runScript('scripts/cli.ts', ['seed:demo'], cleanEnv({ DATA_DIR: dataDir }));
    expect(await cli.exited).toBe(1);
    expect(cli.stderr().trim()).toMatch(/^The database in .* is in use by another Sheaf process/);
    expect(cli.stderr().trim().split('\n')).toHaveLength(1);

    // A stop signal reaches the process `npm start` starts, which hands it straight to the
    // server (no tsx in between: its relay kills with SIGKILL a child that is slow to confirm,
    // and would leave the server running).
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
    expect(scripts.start).toBe('node --import tsx scripts/start.ts');
    // (tsx's esbuild service may also be a child: only Node processes count.)
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(first.app.child.pid)])
      .toString()
      .trim()
      .split('\n');
    const nodeChildren = children.filter((args) => path.basename(args.split(' ')[0]) === 'node');
    expect(nodeChildren).toEqual([expect.stringMatching(/^\S*node \S*build\/index\.js$/)]);
    expect(await first.app.stop()).toBe(0);

    // With the server stopped, the CLI creates a firm in the same directory...
    const seed = runScript('scripts/cli.ts', ['seed:demo'], cleanEnv({ DATA_DIR: dataDir }));
    expect(await seed.exited).toBe(0);
    expect(seed.stdout()).toContain('maya@harborpine.example');

    // ...and the restarted server finds it: no first-run setup link any more.
    const second = await start({ DATA_DIR: dataDir });
    expect(await healthz(second.base)).toEqual({ status: 200, body: { ok: true, db: 'pglite' } });
    expect(second.app.stdout()).toContain('Sheaf is running at');
    expect(second.app.stdout()).not.toContain('/setup?token=');
  }, 180_000);

  it('keeps DATA_DIR owner-only, tightening what an older version left readable', async () => {
    // As an older Sheaf left it under umask 022: 0755 directories, a 0644 document.
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sheaf-modes-')), 'data');
    mkdirSync(path.join(dataDir, 'blobs', 'ab'), { recursive: true });
    writeFileSync(path.join(dataDir, 'blobs', 'ab', 'cdefgh12'), '%PDF-1.7');
    for (const dir of ['.', 'blobs', 'blobs/ab']) chmodSync(path.resolve(dataDir, dir), 0o755);
    chmodSync(path.join(dataDir, 'blobs', 'ab', 'cdefgh12'), 0o644);

    const { app } = await start({ DATA_DIR: dataDir });
    const modeOf = (p: string) => (statSync(path.resolve(dataDir, p)).mode & 0o777).toString(8);
    const modes = Object.fromEntries(
      ['.', 'blobs', 'blobs/ab', 'pglite', 'blobs/ab/cdefgh12', 'pglite.pid', 'setup-url.txt'].map(
        (p) => [p, modeOf(p)]
      )
    );
    expect(modes).toEqual({
      '.': '700',
      blobs: '700',
      'blobs/ab': '700',
      pglite: '700',
      'blobs/ab/cdefgh12': '600',
      'pglite.pid': '600',
      'setup-url.txt': '600'
    });
    expect(await app.stop()).toBe(0);
  }, 180_000);

  it('refuses to start in production without a Postmark token, saying what to set', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sheaf-prod-')), 'data');
    const refusal =
      /^Missing POSTMARK_SERVER_TOKEN: .*MAIL_TRANSPORT=mailbox.*NODE_ENV=development/;
    // `npm start` told NODE_ENV=production, and `node build` (whose default it is) as the
    // Dockerfile and systemd run it.
    for (const [script, env] of [
      ['scripts/start.ts', { NODE_ENV: 'production' }],
      ['build/index.js', {}]
    ] as const) {
      const app = runScript(
        script,
        [],
        cleanEnv({ ...env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(await freePort()) })
      );
      running.push(app);
      const outcome = await Promise.race([
        app.exited.then((code) => ({ code })),
        app.waitFor(/Listening on/).then(() => ({ code: 'listening' }))
      ]);
      expect(outcome, script).toEqual({ code: 1 });
      const lines = app.stderr().trim().split('\n');
      expect(lines, script).toHaveLength(1);
      expect(lines[0], script).toMatch(refusal);
    }
  }, 180_000);

  it('prints the same setup link after a restart before setup, and that link works', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-relink-'));
    const linkOf = (out: string) => /First run: create your firm at (\S+)/.exec(out)?.[1];
    const first = await start({ DATA_DIR: dataDir });
    const printed = linkOf(first.app.stdout());
    expect(printed).toBeDefined();
    expect(await first.app.stop()).toBe(0);

    const second = await start({ DATA_DIR: dataDir }, first.port);
    expect(linkOf(second.app.stdout())).toBe(printed);
    const setup = await fetch(
      `${second.base}${new URL(printed!).pathname}${new URL(printed!).search}`
    );
    expect(setup.status).toBe(200);
    expect(await setup.text()).toContain('Set up your firm');
    expect(readFileSync(path.join(dataDir, 'setup-url.txt'), 'utf8').trim()).toBe(printed);
  }, 180_000);

  it('with no ORIGIN set, the printed setup link’s form is not refused as cross-site', async () => {
    // adapter-node reads a request's origin from ORIGIN and, when it is unset, takes https:
    // a browser posting from the printed http://localhost address was refused with a 403.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-origin-'));
    const { app, base, port } = await start({ DATA_DIR: dataDir });
    const printed = /First run: create your firm at (\S+)/.exec(app.stdout())?.[1];
    expect(printed).toMatch(new RegExp(`^http://localhost:${port}/setup`));
    const url = new URL(printed!);
    const posted = await fetch(`${base}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: {
        origin: url.origin,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html'
      },
      body: new URLSearchParams({ firmName: '', name: '', email: '' }),
      redirect: 'manual'
    });
    const text = await posted.text();
    expect(text).not.toContain('Cross-site');
    expect(posted.status).not.toBe(403);
  }, 180_000);

  it('refuses a malformed DATABASE_URL with one line, exit code 1, and writes nothing', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sheaf-bad-')), 'data');
    const app = runScript(
      'scripts/start.ts',
      [],
      cleanEnv({ DATABASE_URL: 'not-a-url', DATA_DIR: dataDir, PORT: String(await freePort()) })
    );
    expect(await app.exited).toBe(1);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid DATABASE_URL \(got "not-a-url"\): expected a URL/);
    expect(app.stdout()).not.toContain('Listening');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a BODY_SIZE_LIMIT too small for MAX_UPLOAD_MB with one line', async () => {
    const app = runScript(
      'scripts/start.ts',
      [],
      cleanEnv({ BODY_SIZE_LIMIT: '512K', PORT: String(await freePort()) })
    );
    expect(await app.exited).toBe(1);
    expect(app.stderr().trim()).toBe(
      'Invalid BODY_SIZE_LIMIT (got "512K"): expected at least 51M, room for a PDF of MAX_UPLOAD_MB (50 MB)'
    );
  });

  // adapter-node reads BODY_SIZE_LIMIT itself (default 512K) before Sheaf's code runs, and
  // nothing loads .env: npm start has to hand it one that fits MAX_UPLOAD_MB.
  it('takes a PDF over 1 MB with no BODY_SIZE_LIMIT set', async () => {
    const database = await createInstanceDatabase('pglite');
    try {
      const { packet, cookie } = await database.use(seedStaffWithDraft);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const { app } = await start({ ...database.env, ORIGIN: base, EMAIL_WORKER: 'false' }, port);
      const pdf = await makePdfOfSize(1.5 * 1024 * 1024);
      const response = await fetch(`${base}/firm/packets/${packet.id}/documents`, {
        method: 'POST',
        body: new Blob([pdf as Uint8Array<ArrayBuffer>]),
        headers: {
          cookie,
          origin: base,
          'content-type': 'application/pdf',
          'x-filename': 'ledger.pdf'
        }
      });
      const text = await response.text();
      expect(response.status, text).toBe(201);
      expect(JSON.parse(text)).toMatchObject({ document: { bytes: pdf.byteLength, pages: 1 } });
      expect(app.stdout() + app.stderr()).not.toContain('BODY_SIZE_LIMIT');
      expect(await app.stop()).toBe(0);
    } finally {
      await database.drop();
    }
  }, 180_000);

  it.runIf(pg)(
    'uses PostgreSQL when DATABASE_URL is set, and answers 503 once it stops answering',
    async () => {
      const database = await createTestDatabase('sheaf_start');
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-pg-'));
      try {
        const { base, app } = await start({ DATABASE_URL: database.url, DATA_DIR: dataDir });
        expect(await healthz(base)).toEqual({ status: 200, body: { ok: true, db: 'postgres' } });
        expect(app.stdout()).toContain('database: PostgreSQL');
        expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);

        // Dropping the database cuts every connection and refuses new ones.
        await database.drop();
        const down = await healthz(base);
        expect(down).toEqual({ status: 503, body: { ok: false, db: 'postgres' } });
        // The server itself stays up and answers again (here: still 503, quickly).
        expect((await healthz(base)).status).toBe(503);
      } finally {
        await database.drop();
      }
    },
    60_000
  );
});
