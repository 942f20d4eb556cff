// Brand colours carry white text (the app bar mark, the button in every mail): WCAG contrast.

export const MIN_CONTRAST = 4.5;

/** '#abc' or '#aabbcc' (any case) as '#aabbcc'; null for anything else. */
export function normaliseHex(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return null;
}

/** Contrast ratio of white text on the colour, 1 to 21. */
export function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05);
}

/** Why white text cannot be read on the colour, or null when it can. */
export function brandColourProblem(value: string): string | null {
  const hex = normaliseHex(value);
  if (!hex) return 'Enter a colour as # and six hex digits, e.g. #1f6f5c.';
  const ratio = contrastWithWhite(hex);
  if (ratio < MIN_CONTRAST) {
    return `White text is hard to read on ${hex} (contrast ${ratio.toFixed(1)}:1, needs ${MIN_CONTRAST}:1). Choose a darker colour.`;
  }
  return null;
}
