import { describe, expect, it } from 'vitest';
import { ipRateLimitKey, rateLimitKey, rateLimitNetwork } from './rate-limit';

describe('rateLimitNetwork: what a client address is limited as', () => {
  it('keeps IPv4 as it is, and reads IPv4-mapped IPv6 as the IPv4 address', () => {
    for (const ip of [
      '203.0.113.7',
      ' 203.0.113.7 ',
      '::ffff:203.0.113.7',
      '::FFFF:203.0.113.7',
      '0:0:0:0:0:ffff:203.0.113.7',
      '::ffff:cb00:7107',
      '[::ffff:203.0.113.7]'
    ]) {
      expect(rateLimitNetwork(ip), ip).toBe('203.0.113.7');
    }
  });

  it('keys IPv6 by its /64, however it is written', () => {
    const net = '2001:db8:1:2::/64';
    for (const ip of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0000:0000:0000:0009',
      '[2001:db8:1:2::abcd]',
      '2001:db8:1:2:3:4:1.2.3.4'
    ]) {
      expect(rateLimitNetwork(ip), ip).toBe(net);
    }
    expect(rateLimitNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitNetwork('::1')).toBe('0:0:0:0::/64');
    // NAT64 and IPv4-compatible forms are IPv6 networks, not the IPv4 address inside.
    expect(rateLimitNetwork('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });

  it('leaves anything else alone, and an unknown address as "unknown"', () => {
    expect(rateLimitNetwork(null)).toBe('unknown');
    expect(rateLimitNetwork('')).toBe('unknown');
    expect(rateLimitNetwork('not-an-ip')).toBe('not-an-ip');
  });
});

describe('ipRateLimitKey', () => {
  it('puts one /64, or one IPv4 address however written, in one bucket', () => {
    const key = (ip: string | null) => ipRateLimitKey('signin-ip', ip);
    expect(key('2001:db8:1:2::1')).toBe(key('2001:db8:1:2:aaaa:bbbb:cccc:dddd'));
    expect(key('2001:db8:1:2::1')).not.toBe(key('2001:db8:1:3::1'));
    expect(key('::ffff:198.51.100.7')).toBe(key('198.51.100.7'));
    expect(key('198.51.100.7')).not.toBe(key('198.51.100.8'));
    expect(key('198.51.100.7')).toBe(rateLimitKey('signin-ip', '198.51.100.7'));
    expect(key(null)).toBe(rateLimitKey('signin-ip', 'unknown'));
    // Scopes stay apart, and no address is kept in clear.
    expect(key('198.51.100.7')).not.toBe(ipRateLimitKey('code-ip', '198.51.100.7'));
    expect(key('198.51.100.7')).not.toContain('198.51');
  });
});
