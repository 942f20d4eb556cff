import { describe, expect, it } from 'vitest';
import { describeCeremonyError } from './errors';

describe('describeCeremonyError', () => {
  it('treats a closed prompt, a timeout or a replaced ceremony as no error', () => {
    const notAllowed = {
      name: 'WebAuthnError',
      code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY',
      cause: { name: 'NotAllowedError' }
    };
    expect(describeCeremonyError('sign_in', notAllowed)).toEqual({ cancelled: true, message: '' });
    expect(describeCeremonyError('sign_in', { code: 'ERROR_CEREMONY_ABORTED' }).cancelled).toBe(
      true
    );
    expect(describeCeremonyError('register', { name: 'AbortError' }).cancelled).toBe(true);
  });

  it('says when this device already has a passkey', () => {
    const e = { code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' };
    expect(describeCeremonyError('register', e).message).toBe(
      'This device already has a passkey for your account.'
    );
  });

  it('falls back to email for anything else, per ceremony', () => {
    expect(describeCeremonyError('sign_in', new Error('x')).message).toContain(
      'Sign in with your email instead'
    );
    expect(describeCeremonyError('register', undefined).message).toContain(
      'keep signing in by email'
    );
    expect(describeCeremonyError('step_up', { code: 'ERROR_INVALID_DOMAIN' }).cancelled).toBe(
      false
    );
  });
});
