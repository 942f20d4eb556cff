import { describe, expect, it } from 'vitest';
import { bindingCookieOptions, sessionCookieOptions } from './cookies';

describe('session cookie options', () => {
  const expires = new Date('2026-12-01T00:00:00Z');

  it('are HttpOnly, SameSite=Lax and Path=/ with the session expiry', () => {
    expect(sessionCookieOptions(expires, false)).toEqual({
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: false,
      expires
    });
  });

  it('are Secure when the origin is https', () => {
    expect(sessionCookieOptions(expires, true).secure).toBe(true);
    expect(bindingCookieOptions(true)).toMatchObject({ secure: true, httpOnly: true, path: '/' });
  });
});
