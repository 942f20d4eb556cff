import { describe, expect, it } from 'vitest';
import { readCertificateClaim } from './verify';

const encode = (text: string) => new TextEncoder().encode(text);
const utf16Hex = (text: string) =>
  'FEFF' +
  [...text].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')).join('');
const ID = '40b1f069-2b8c-4386-abb1-29fbd2281ac7';

describe('readCertificateClaim', () => {
  it('reads the packet and version from the Keywords, hex or literal', () => {
    const words = `sheaf-certificate packet:${ID} version:3`;
    expect(readCertificateClaim(encode(`%PDF-1.7 /Keywords <${utf16Hex(words)}>`))).toEqual({
      packetId: ID,
      version: 3
    });
    expect(readCertificateClaim(encode(`%PDF-1.7 /Keywords (${words})`))).toEqual({
      packetId: ID,
      version: 3
    });
    expect(readCertificateClaim(encode('%PDF-1.7 /Keywords (something else)'))).toBeNull();
  });

  it('reads a hostile 2 MB of unclosed Keywords in one pass, finding nothing', () => {
    // Unbounded, each of these 200,000 openers scanned to the end of the file (about 10^11
    // steps: minutes); bounded, the whole file is a few million steps. The suite's timeout is
    // the bound here, far above either figure on any machine.
    const hostile = encode(
      '%PDF-1.7\n' + '/Keywords('.repeat(100_000) + '/Keywords<'.repeat(100_000)
    );
    expect(readCertificateClaim(hostile)).toBeNull();
  });
});
