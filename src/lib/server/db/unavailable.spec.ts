import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, unavailableResponse } from './unavailable';

describe('isDatabaseUnavailable', () => {
  it('knows connection failures, also wrapped in a query error', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      true
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }))).toBe(
      true
    );
    const wrapped = new Error('Failed query', {
      cause: Object.assign(new Error('terminating connection'), { code: '57P01' })
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
  });

  it('leaves bugs and constraint errors alone', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('unavailableResponse', () => {
  it('is a friendly page for browsers and JSON for the rest, both 503 with Retry-After', async () => {
    const page = unavailableResponse(
      new Request('http://x/p', { headers: { accept: 'text/html' } })
    );
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(await page.text()).toContain('briefly unavailable');
    const api = unavailableResponse(new Request('http://x/api/files/1'));
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({ message: expect.stringContaining('unavailable') });
  });
});
