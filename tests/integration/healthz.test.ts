import { describe, expect, it } from 'vitest';
import { getDatabase } from '../../src/lib/server/db/client';
import { TestBrowser } from '../support/server';

describe('GET /api/healthz', () => {
  it('answers 200 with the driver in use when the database answers', async () => {
    const response = await new TestBrowser().get('/api/healthz');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true, db: getDatabase().driver });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('sends the security headers on pages', async () => {
    const response = await new TestBrowser().get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src[^;]*'nonce-/);
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
  });

  it('shows a friendly 404 page for an unknown route', async () => {
    const response = await new TestBrowser().get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain("We can't find that page");
  });
});
