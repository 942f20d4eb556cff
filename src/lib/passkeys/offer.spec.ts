import { describe, expect, it } from 'vitest';
import { offerCookie, offerDue, offerStateOf, shouldOffer } from './offer';

describe('the passkey offer', () => {
  it('reads its answer from the cookie header, ignoring others and junk', () => {
    expect(offerStateOf('')).toBeNull();
    expect(offerStateOf('a=1; sheaf_passkey_offer=dismissed; b=2')).toBe('dismissed');
    expect(offerStateOf('sheaf_passkey_offer=added')).toBe('added');
    expect(offerStateOf('sheaf_passkey_offer=maybe')).toBeNull();
    expect(offerStateOf('xsheaf_passkey_offer=dismissed')).toBeNull();
  });

  it('writes a year-long cookie, Secure under https', () => {
    expect(offerCookie('dismissed', false)).toBe(
      'sheaf_passkey_offer=dismissed; Path=/; Max-Age=31536000; SameSite=Lax'
    );
    expect(offerCookie('added', true)).toMatch(/; Secure$/);
  });

  it('is offered after a link or code sign-in, where WebAuthn works, until answered', () => {
    const base = { signInMethod: 'link', supported: true, state: null } as const;
    expect(shouldOffer(base)).toBe(true);
    expect(shouldOffer({ ...base, signInMethod: 'code' })).toBe(true);
    expect(shouldOffer({ ...base, signInMethod: null })).toBe(true);
    expect(shouldOffer({ ...base, signInMethod: 'passkey' })).toBe(false);
    expect(shouldOffer({ ...base, supported: false })).toBe(false);
    expect(shouldOffer({ ...base, state: 'dismissed' })).toBe(false);
    expect(shouldOffer({ ...base, state: 'added' })).toBe(false);
  });

  it('is due on the server after a link or code sign-in until the cookie holds an answer', () => {
    const by = (signInMethod: string | null, passkeyConfirmedAt: Date | null = null) => ({
      signInMethod,
      passkeyConfirmedAt
    });
    expect(offerDue(by('link'), null)).toBe(true);
    expect(offerDue(by('code'), 'a=1')).toBe(true);
    expect(offerDue(by(null), 'sheaf_passkey_offer=maybe')).toBe(true);
    expect(offerDue(by('passkey'), null)).toBe(false);
    expect(offerDue(by('link'), 'a=1; sheaf_passkey_offer=dismissed')).toBe(false);
    expect(offerDue(by('code'), 'sheaf_passkey_offer=added')).toBe(false);
  });

  it('is not due once a passkey confirmed the session (the staff step-up)', () => {
    expect(offerDue({ signInMethod: 'link', passkeyConfirmedAt: new Date() }, null)).toBe(false);
  });
});
