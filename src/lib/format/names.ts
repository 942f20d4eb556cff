export const MAX_DISPLAY_NAME = 120;

// C0/C1 controls, and the bidirectional overrides that could make a name read as another one.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/**
 * A document's display name from its file name: no extension, `_` and `-` read as spaces, no
 * control or bidirectional-override characters (the rule a rename is held to), at most
 * MAX_DISPLAY_NAME characters. Migration 0008 applies the first part in SQL to older documents.
 */
export function displayNameOf(filename: string): string {
  const name = [
    ...filename
      .replace(/\.[^.]*$/, '')
      .replace(new RegExp(CONTROL.source, 'gu'), '')
      .replace(/[_-]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  ]
    .slice(0, MAX_DISPLAY_NAME)
    .join('')
    .trim();
  return name || 'Document';
}

/** Why a display name typed by staff cannot be used (after trimming), or null when it can. */
export function displayNameProblem(name: string): string | null {
  if (!name) return 'Enter a name.';
  if ([...name].length > MAX_DISPLAY_NAME) return `At most ${MAX_DISPLAY_NAME} characters.`;
  if (CONTROL.test(name))
    return 'Use letters, digits and punctuation only: no tabs or line breaks.';
  return null;
}
