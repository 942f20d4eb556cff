import { describe, expect, it } from 'vitest';
import { drawnImage } from '../../../../tests/support/images';
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

  it('drops the metadata: the PNGs carry no text, EXIF or profile chunks', async () => {
    const drawn = await drawLogoSizes(drawnImage('jpeg', 300, 100), sizes);
    const ascii = Buffer.from(drawn.pngs[0]).toString('latin1');
    for (const chunk of ['tEXt', 'iTXt', 'zTXt', 'eXIf', 'iCCP'])
      expect(ascii).not.toContain(chunk);
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
