import { describe, expect, it } from 'vitest';
import {
  drawnImage,
  jpegWithMetadata,
  METADATA_MARKER,
  pngWithMetadata
} from '../../../../tests/support/images';
import { readLogoFacts } from './logo-image';
import { drawLogoSizes, LogoDecodeError } from './logo-render';

const sizes = [
  { width: 192, height: 64 },
  { width: 384, height: 128 }
];

describe('drawLogoSizes', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('draws a %s as PNGs of each size', async (type) => {
    const drawn = await drawLogoSizes(drawnImage(type, 300, 100), sizes);
    expect(drawn).toMatchObject({ width: 300, height: 100 });
    expect(drawn.pngs.map((p) => readLogoFacts(p))).toEqual(
      sizes.map((s) => ({ ok: true, type: 'png', ...s }))
    );
  });

  it.each([
    ['PNG with text, EXIF and a profile', pngWithMetadata],
    ['JPEG with EXIF and a comment', jpegWithMetadata]
  ])('drops the metadata of a %s: the PNGs carry none of it', async (_, make) => {
    const input = make(300, 100);
    expect(Buffer.from(input).toString('latin1')).toContain(METADATA_MARKER);
    const drawn = await drawLogoSizes(input, sizes);
    expect(drawn).toMatchObject({ width: 300, height: 100 });
    for (const png of drawn.pngs) {
      const ascii = Buffer.from(png).toString('latin1');
      expect(ascii).not.toContain(METADATA_MARKER);
      for (const chunk of ['tEXt', 'iTXt', 'zTXt', 'eXIf', 'iCCP'])
        expect(ascii).not.toContain(chunk);
    }
  });

  it('survives a file that crashes the decoder: the child dies, not the server', async () => {
    // A PNG cut after its header makes Skia end the process (SIGSEGV) on this version.
    const cut = drawnImage('png').subarray(0, 33);
    await expect(drawLogoSizes(cut, sizes)).rejects.toBeInstanceOf(LogoDecodeError);
  });

  it('refuses a file that is no image', async () => {
    const notes = new TextEncoder().encode('not an image at all');
    await expect(drawLogoSizes(notes, sizes)).rejects.toBeInstanceOf(LogoDecodeError);
  });
});
