// Text for a PDF page: any name a person typed is brought into what the page's font can draw,
// and long text is wrapped to the width of the page. Pure: unit-tested without a PDF.

// Letters with no decomposition to a base letter, and marks with a close ASCII twin: for a font
// that lacks them.
const NEAREST: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '−': '-',
  '′': "'",
  '″': '"',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' '
};

/**
 * The text as a font that draws the characters `drawable` accepts can draw it: line breaks and
 * tabs become spaces, invisible characters (joiners, direction marks and overrides, soft
 * hyphens) go, a character the font lacks loses its accent ("ő" -> "o", "Ł" -> "L") or takes its
 * nearest twin, and anything else becomes "?". Text the font draws comes back as it was (NFC).
 */
export function toDrawable(text: string, drawable: (char: string) => boolean): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    if (/\s/.test(char)) out += ' ';
    else if (/\p{Cc}/u.test(char)) out += '?';
    // Nothing to see, and a font may still give it a glyph with a width.
    else if (/\p{Default_Ignorable_Code_Point}/u.test(char)) continue;
    else if (drawable(char)) out += char;
    else if (NEAREST[char] && drawable(NEAREST[char])) out += NEAREST[char];
    else {
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base && [...base].every(drawable) ? base : '?';
    }
  }
  return out;
}

/**
 * Splits text into lines no wider than `maxWidth` (as `measure` says), breaking between words;
 * a word wider than a line on its own is broken between characters. Empty text gives no lines.
 */
export function wrapText(
  text: string,
  maxWidth: number,
  measure: (text: string) => number
): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word;
    if (measure(joined) <= maxWidth) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    // Cut between characters, never inside a surrogate pair.
    let rest = [...word];
    while (measure(rest.join('')) > maxWidth) {
      let cut = 1;
      while (cut < rest.length && measure(rest.slice(0, cut + 1).join('')) <= maxWidth) cut++;
      lines.push(rest.slice(0, cut).join(''));
      rest = rest.slice(cut);
    }
    line = rest.join('');
  }
  if (line) lines.push(line);
  return lines;
}
