import { describe, expect, it } from 'vitest';
import { describeDevice, deviceSummary } from './devices';

describe('describeDevice', () => {
  it('names browser and system of an iPhone', () => {
    const ua =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    expect(describeDevice(ua)).toEqual({ browser: 'Mobile Safari', os: 'iOS 17', kind: 'phone' });
  });

  it('names a desktop Chrome on Windows', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(describeDevice(ua)).toMatchObject({ browser: 'Chrome', kind: 'computer' });
    expect(describeDevice(ua).os).toMatch(/^Windows/);
  });

  it('copes with no user agent', () => {
    expect(describeDevice(null)).toEqual({
      browser: 'Unknown browser',
      os: 'unknown system',
      kind: 'computer'
    });
  });
});

describe('deviceSummary', () => {
  const cases: Array<[string, string]> = [
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Safari on iPhone (iOS 18)'
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari on iPad (iOS 17)'
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1',
      'Chrome on iPhone (iOS 17)'
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Google Pixel 8 (Android 14)'
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      'Samsung Internet on Samsung SM-S918B (Android 14)'
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Android 10'
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      'Safari on macOS'
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows'
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Sheaf-Test',
      'Unknown browser on iPhone (iOS 18)'
    ],
    ['curl/8.5.0', 'unknown device']
  ];
  it.each(cases)('summarises %s', (ua, expected) => {
    expect(deviceSummary(ua)).toBe(expected);
  });

  it('says when there was no user agent', () => {
    expect(deviceSummary(null)).toBe('not recorded');
    expect(deviceSummary('  ')).toBe('not recorded');
  });
});
