// Text for a PDF drawn with the standard fonts (pdf-lib's StandardFonts): they encode only
// WinAnsi (Windows-1252), so any name a person typed is brought into it first, and long text is
// wrapped to the width of the page. Pure: unit-tested without a PDF.

// Windows-1252's characters outside Latin-1 (0x80-0x9F).
const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
// Letters with no decomposition to a base letter, and common marks with a close WinAnsi twin.
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

/** True when the standard fonts can draw the character. */
export function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.includes(char)
  );
}

/**
 * The text as the standard fonts can draw it: line breaks and tabs become spaces, accents the
 * fonts lack are dropped ("ő" -> "o", "Ł" -> "L"), and anything else becomes "?". Text already
 * in WinAnsi (ASCII, hex hashes, "Zoë") comes back unchanged.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    if (isWinAnsi(char)) out += char;
    else if (/\s/.test(char)) out += ' ';
    else if (NEAREST[char]) out += NEAREST[char];
    else {
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base && [...base].every(isWinAnsi) ? base : '?';
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
    let rest = word;
    while (measure(rest) > maxWidth) {
      let cut = 1;
      while (cut < rest.length && measure(rest.slice(0, cut + 1)) <= maxWidth) cut++;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}
