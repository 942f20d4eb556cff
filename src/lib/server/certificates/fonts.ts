// The certificate's fonts: DejaVu Sans, its bold, and DejaVu Sans Mono (the npm package
// dejavu-fonts-ttf; free to embed, see its LICENSE), embedded in each certificate as a subset of
// the glyphs it uses. They draw Latin in full, Greek and Cyrillic, so a name prints as it was
// typed ("Łukasz Wałęsa", "Ζωή", "Олена"); pdf-lib's standard fonts knew only Windows-1252.
// Scripts DejaVu lacks (Chinese, Japanese, Korean, emoji), and right-to-left ones, become "?"
// (text-layout.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';

export type FontName = 'regular' | 'bold' | 'mono';

export interface FontFile {
  /** The TrueType file, for PDFDocument.embedFont (after registerFontkit(parsedFonts)). */
  bytes: Uint8Array;
  /** True when the font has a glyph for the character (one code point). */
  draws(char: string): boolean;
  /**
   * The width of the text at `size` points: the sum of its glyphs' advances, as pdf-lib draws
   * it (it places glyphs by their advances, without kerning). Far cheaper than pdf-lib's
   * widthOfTextAtSize, which runs fontkit's whole OpenType layout on each call; wrapping a line
   * measures it once per word.
   */
  width(text: string, size: number): number;
}

const FILES: Record<FontName, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf'
};

// DejaVu has Hebrew and Arabic letters, but pdf-lib draws glyphs left to right in the order
// typed: a right-to-left name would print backwards. "?" is honest; a reversed name is not.
const RIGHT_TO_LEFT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

let loaded: Record<FontName, FontFile> | undefined;
// Each file parsed once: fontkit takes 20-60 ms to read one, which every certificate paid three
// times. A parsed font is read-only to pdf-lib: each embed makes its own subset.
const parsed = new Map<Uint8Array, fontkit.Font>();

/** For pdf-lib's registerFontkit: fontkit, handing back the parsed font for these files. */
export const parsedFonts = {
  create: (bytes: Uint8Array, postscriptName?: string) =>
    parsed.get(bytes) ?? fontkit.create(bytes, postscriptName)
};

/** The three fonts, read from node_modules on first use and kept for the process's life. */
export function certificateFonts(): Record<FontName, FontFile> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (file: string): FontFile => {
    const bytes = new Uint8Array(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
    const font = fontkit.create(bytes);
    parsed.set(bytes, font);
    const scale = 1 / font.unitsPerEm;
    return {
      bytes,
      draws: (char) => !RIGHT_TO_LEFT.test(char) && font.hasGlyphForCodePoint(char.codePointAt(0)!),
      width(text, size) {
        let units = 0;
        for (const char of text) units += font.glyphForCodePoint(char.codePointAt(0)!).advanceWidth;
        return units * scale * size;
      }
    };
  };
  loaded = {
    regular: read(FILES.regular),
    bold: read(FILES.bold),
    mono: read(FILES.mono)
  };
  return loaded;
}
