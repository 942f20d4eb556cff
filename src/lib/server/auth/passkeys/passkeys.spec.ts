import { describe, expect, it } from 'vitest';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { challengeOf } from './challenges';
import { userHandleOf } from './ceremonies';
import { defaultPasskeyName } from './credentials';
import { passkeyFailureMessage } from './messages';
import { relyingParty } from './relying-party';
import { parseAuthenticationResponse, parseRegistrationResponse } from './response';
import { stepUpNeeded, stepUpPath } from './step-up';

const encode = (text: string) => isoBase64URL.fromUTF8String(text);

describe('passkeys: pure parts', () => {
  it('derives the RP ID and origin from ORIGIN', () => {
    expect(relyingParty('https://portal.smith.co.uk')).toEqual({
      id: 'portal.smith.co.uk',
      origin: 'https://portal.smith.co.uk',
      name: 'Sheaf'
    });
    expect(relyingParty('http://localhost:5173').id).toBe('localhost');
  });

  it('reads the challenge a response answers, or null', () => {
    expect(challengeOf(encode(JSON.stringify({ challenge: 'abc_-1' })))).toBe('abc_-1');
    expect(challengeOf(encode('not json'))).toBeNull();
    expect(challengeOf(encode(JSON.stringify({ challenge: 5 })))).toBeNull();
  });

  it('makes a 16-byte user handle from the user id', () => {
    const handle = userHandleOf('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect([...handle].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
    );
  });

  it('names a new passkey after the device', () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
    expect(defaultPasskeyName(iphone)).toBe('iPhone');
    expect(
      defaultPasskeyName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131')
    ).toBe('Windows');
    expect(defaultPasskeyName(null)).toBe('Passkey');
  });

  it('checks the shape and size of posted responses', () => {
    const good = {
      id: 'abc',
      rawId: 'abc',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }
    };
    expect(parseAuthenticationResponse(good)).toMatchObject({ clientExtensionResults: {} });
    expect(parseAuthenticationResponse({ ...good, type: 'password' })).toBeNull();
    expect(parseAuthenticationResponse({ ...good, id: 'not base64url!' })).toBeNull();
    expect(parseAuthenticationResponse({ ...good, id: 'a'.repeat(1401) })).toBeNull();
    expect(parseAuthenticationResponse(null)).toBeNull();
    expect(parseRegistrationResponse(good)).toBeNull();
  });

  it('asks only an unconfirmed staff session of a firm that requires it', () => {
    const on = { staffPasskeyRequired: true };
    const staff = { kind: 'staff' as const, passkeyConfirmedAt: null };
    expect(stepUpNeeded(on, staff)).toBe(true);
    expect(stepUpNeeded(on, { ...staff, passkeyConfirmedAt: new Date() })).toBe(false);
    expect(stepUpNeeded(on, { ...staff, kind: 'client' })).toBe(false);
    expect(stepUpNeeded({ staffPasskeyRequired: false }, staff)).toBe(false);
    expect(stepUpPath('/firm/clients?x=1')).toBe('/confirm-passkey?next=%2Ffirm%2Fclients%3Fx%3D1');
  });

  it('says what happened, per ceremony', () => {
    expect(passkeyFailureMessage('sign_in', 'unknown')).toBe(
      'That passkey is not registered here. Sign in with your email instead.'
    );
    expect(passkeyFailureMessage('step_up', 'unknown')).toContain('not one of yours');
  });
});
