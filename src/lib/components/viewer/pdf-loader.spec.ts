import { describe, expect, it } from 'vitest';
import { chooseBuild } from './pdf-loader';

class Fn {}
const base = { Worker: Fn, OffscreenCanvas: Fn, structuredClone: () => null };
const modernJs = {
  Promise: { withResolvers: () => null, try: () => null },
  Map: { prototype: { getOrInsertComputed: () => null } },
  Uint8Array: { fromBase64: () => null, prototype: { toHex: () => null } }
};

describe('chooseBuild', () => {
  it('uses the modern build only on Chromium with every feature it needs', () => {
    expect(chooseBuild({ ...base, ...modernJs, navigator: { userAgentData: {} } })).toBe('modern');
  });

  it('uses the legacy build on Safari even when the features exist', () => {
    expect(chooseBuild({ ...base, ...modernJs, navigator: { userAgent: 'Safari' } })).toBe(
      'legacy'
    );
  });

  it('uses the legacy build on a Chromium missing a feature', () => {
    const older = { ...modernJs, Map: { prototype: {} } };
    expect(chooseBuild({ ...base, ...older, navigator: { userAgentData: {} } })).toBe('legacy');
  });

  it('gives up below the legacy floor (no OffscreenCanvas: Safari before 16.4)', () => {
    expect(chooseBuild({ ...base, OffscreenCanvas: undefined, navigator: {} })).toBe('unsupported');
  });
});
