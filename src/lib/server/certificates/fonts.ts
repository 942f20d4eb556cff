// The certificate's fonts: DejaVu Sans, its bold, and DejaVu Sans Mono (the npm package
// dejavu-fonts-ttf; free to embed, see its LICENSE), embedded in each certificate as a subset of
// the glyphs it uses. They draw Latin in full, Greek and Cyrillic, so a name prints as it was
// typed ("Łukasz Wałęsa", "Ζωή", "Олена"); pdf-lib's standard fonts knew only Windows-1252.
// Every other script becomes "?" (text-layout.ts): those DejaVu lacks (Chinese, Japanese,
// Korean, emoji), and those it has but pdf-lib cannot set right: it draws glyphs left to right in
// the order typed, so Arabic or Hebrew would print backwards, and fontkit's shaper for scripts
// such as Tifinagh throws.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';

export type FontName = 'regular' | 'bold' | 'mono';

export interface FontFile {
  /** The TrueType file, for PDFDocument.embedFont (after registerFontkit(fontkit)). */
  bytes: Uint8Array;
  /** True when the character (one code point) is in a script drawn here and has a glyph. */
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

// Latin, Greek, Cyrillic, and what every script shares (digits, punctuation, combining marks).
const DRAWN =
  /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]/u;

let loaded: Record<FontName, FontFile> | undefined;

/** The three fonts, read from node_modules on first use and kept for the process's life. */
export function certificateFonts(): Record<FontName, FontFile> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (file: string): FontFile => {
    const bytes = new Uint8Array(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
    // Only measures and answers draws(): each certificate's embed parses the file afresh, as
    // fontkit's glyph cache remembers the code points a glyph was first reached by, and those go
    // into the PDF's text map: a shared font would make the bytes depend on earlier certificates.
    const font = fontkit.create(bytes);
    const scale = 1 / font.unitsPerEm;
    return {
      bytes,
      draws: (char) => DRAWN.test(char) && font.hasGlyphForCodePoint(char.codePointAt(0)!),
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

export { fontkit };
