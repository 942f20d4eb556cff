import { describe, expect, it } from 'vitest';
import { isIosDevice, keyBytes, pushOffer, type OfferInput } from './offer';

const base: OfferInput = {
  pushManager: true,
  permission: 'default',
  subscribed: false,
  savedPackets: 1,
  standalone: false,
  iosTab: false,
  dismissed: false
};

describe('pushOffer', () => {
  it('offers once a packet is saved or the app is installed, never on a first visit', () => {
    expect(pushOffer(base)).toBe('offer');
    expect(pushOffer({ ...base, savedPackets: 0 })).toBe('none');
    expect(pushOffer({ ...base, savedPackets: 0, standalone: true })).toBe('offer');
    expect(pushOffer({ ...base, permission: 'granted' })).toBe('offer');
  });

  it('stays quiet when said no to, subscribed, denied or unsupported', () => {
    expect(pushOffer({ ...base, dismissed: true })).toBe('none');
    expect(pushOffer({ ...base, subscribed: true })).toBe('none');
    expect(pushOffer({ ...base, permission: 'denied' })).toBe('none');
    expect(pushOffer({ ...base, pushManager: false })).toBe('none');
  });

  it('tells iPhone Safari to add Sheaf to the Home Screen first', () => {
    expect(pushOffer({ ...base, pushManager: false, iosTab: true })).toBe('home-screen');
    expect(pushOffer({ ...base, pushManager: false, iosTab: true, savedPackets: 0 })).toBe('none');
  });
});

describe('isIosDevice and keyBytes', () => {
  it('knows an iPhone and an iPad that says Macintosh', () => {
    expect(isIosDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', 5)).toBe(true);
    expect(isIosDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 5)).toBe(true);
    expect(isIosDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 0)).toBe(false);
    expect(isIosDevice('Mozilla/5.0 (Linux; Android 14)', 5)).toBe(false);
  });

  it('decodes a base64url key', () => {
    const key = Buffer.alloc(65, 0xfb).toString('base64url');
    expect(Array.from(keyBytes(key))).toEqual(Array.from(Buffer.alloc(65, 0xfb)));
  });
});
