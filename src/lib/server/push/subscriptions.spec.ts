import { describe, expect, it } from 'vitest';
import { parseSubscription } from './subscriptions';

const p256dh = Buffer.alloc(65, 4).toString('base64url');
const auth = Buffer.alloc(16, 9).toString('base64url');
const sub = (endpoint: string, keys: Record<string, string> = { p256dh, auth }) => ({
  endpoint,
  expirationTime: null,
  keys
});

describe('parseSubscription', () => {
  it('accepts a browser subscription to an https push service', () => {
    const parsed = parseSubscription(sub('https://fcm.googleapis.com/fcm/send/abc'), false);
    expect(parsed).toEqual({
      ok: true,
      subscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', p256dh, auth }
    });
  });

  it('refuses plain http, addresses and localhost, except loopback when allowed', () => {
    for (const endpoint of [
      'http://push.example.com/x',
      'https://10.0.0.5/x',
      'https://[::1]/x',
      'https://localhost/x',
      'https://user:pw@push.example.com/x',
      'http://127.0.0.1:9/x',
      'not a url'
    ]) {
      expect(parseSubscription(sub(endpoint), false).ok, endpoint).toBe(false);
    }
    expect(parseSubscription(sub('http://127.0.0.1:9/x'), true).ok).toBe(true);
    expect(parseSubscription(sub('http://10.0.0.1:9/x'), true).ok).toBe(false);
  });

  it('refuses keys of the wrong length or alphabet', () => {
    const short = Buffer.alloc(64).toString('base64url');
    expect(parseSubscription(sub('https://a.example/x', { p256dh: short, auth }), false).ok).toBe(
      false
    );
    expect(
      parseSubscription(sub('https://a.example/x', { p256dh, auth: auth + 'AA' }), false).ok
    ).toBe(false);
    expect(parseSubscription(sub('https://a.example/x', { p256dh: '!!', auth }), false).ok).toBe(
      false
    );
    expect(parseSubscription({ endpoint: 'https://a.example/x' }, false).ok).toBe(false);
    expect(parseSubscription(null, false).ok).toBe(false);
  });
});
