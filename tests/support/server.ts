// The built SvelteKit app (build/handler.js) served in this test process on a random loopback
// port, sharing the test database handle (see db/client.ts). One server per worker.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getConfig } from '../../src/lib/server/config';

/**
 * The session cookie's name as the app derives it from ORIGIN (config.sessionCookie): the test
 * servers, in-process and spawned, run on http, so `sheaf_session`.
 */
export const SESSION_COOKIE = getConfig().sessionCookie;

const KEY = Symbol.for('sheaf.test.server');
const g = globalThis as { [KEY]?: Promise<string> };

/** Base URL (http://127.0.0.1:PORT) of the in-process app server. */
export function appUrl(): Promise<string> {
  g[KEY] ??= (async () => {
    const file = pathToFileURL(path.resolve('build/handler.js')).href;
    const app: { handler?: http.RequestListener } = {};
    const server = http.createServer((req, res) => app.handler!(req, res));
    // Longer than any pause between tests, so fetch never reuses a socket the server just closed.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // adapter-node reads ORIGIN when the handler is imported; without it the app assumes https
    // and refuses every form POST as cross-site.
    process.env.ORIGIN ??= base;
    // vite.config.ts keeps build/ external, so Node imports the compiled bundle as it is.
    const built = (await import(/* @vite-ignore */ file)) as { handler: http.RequestListener };
    app.handler = built.handler;
    return base;
  })();
  return g[KEY];
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  json<T = unknown>(): T;
}

/**
 * A minimal browser: keeps cookies, never follows redirects, sends Origin on POSTs (SvelteKit's
 * CSRF check), and can pretend to be another IP or user agent.
 */
export class TestBrowser {
  cookies = new Map<string, string>();
  /** Sent as x-forwarded-for (tests set ADDRESS_HEADER): each browser is its own client IP. */
  ip = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
  /** Where requests go; the in-process app server unless set (e.g. one instance of a cluster). */
  base: string | null = null;
  /** Sent as Origin on POSTs; `base` unless set (a cluster's instances share one public ORIGIN). */
  origin: string | null = null;
  constructor(
    public userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Sheaf-Test'
  ) {}

  async request(
    method: string,
    pathname: string,
    init: { form?: Record<string, string>; body?: BodyInit; headers?: Record<string, string> } = {}
  ): Promise<TestResponse> {
    const base = this.base ?? (await appUrl());
    const headers = new Headers(init.headers);
    headers.set('user-agent', this.userAgent);
    if (!headers.has('x-forwarded-for')) headers.set('x-forwarded-for', this.ip);
    // `x-forwarded-for: ''` sends none: a request straight from this machine (dev mailbox).
    if (headers.get('x-forwarded-for') === '') headers.delete('x-forwarded-for');
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', 'http');
    if (headers.get('x-forwarded-proto') === '') headers.delete('x-forwarded-proto');
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form);
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin'))
      headers.set('origin', this.origin ?? base);
    const response = await fetch(base + pathname, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) =>
          /max-age=0/i.test(a) || (/expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now())
      );
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = method === 'HEAD' ? '' : await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      location: response.headers.get('location'),
      json: <T>() => JSON.parse(text) as T
    };
  }

  get(pathname: string, headers?: Record<string, string>) {
    return this.request('GET', pathname, { headers });
  }

  /** Posts a form to a page action: `?/name` for named actions, no query for the default one. */
  post(pathname: string, form: Record<string, string> = {}, headers?: Record<string, string>) {
    return this.request('POST', pathname, { form, headers });
  }
}
