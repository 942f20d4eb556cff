import { describe, expect, it } from 'vitest';
import {
  isConnectionFailure,
  isDatabaseTimeout,
  isDatabaseUnavailable,
  unavailableResponse
} from './unavailable';

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

  it('counts a statement or lock timeout as unavailable for this request, not as a lost server', () => {
    for (const code of ['57014', '55P03']) {
      const error = new Error('Failed query', { cause: Object.assign(new Error('x'), { code }) });
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(isDatabaseTimeout(error)).toBe(true);
      expect(isConnectionFailure(error)).toBe(false);
    }
    expect(isDatabaseTimeout(Object.assign(new Error('x'), { code: '57P01' }))).toBe(false);
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

  it('speaks the language it is given', async () => {
    const page = unavailableResponse(
      new Request('http://x/p', { headers: { accept: 'text/html' } }),
      'es'
    );
    const html = await page.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Sheaf no está disponible por un momento</h1>');
    expect(html).toContain('>Reintentar</a>');
    expect(page.headers.get('content-language')).toBe('es');
  });
});
