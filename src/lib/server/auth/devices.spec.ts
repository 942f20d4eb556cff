import { describe, expect, it } from 'vitest';
import { describeDevice } from './devices';

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
