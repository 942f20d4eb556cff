/**
 * A document's display name from its file name: no extension, `_` and `-` read as spaces.
 * Migration 0008 applies the same rule in SQL to documents uploaded before display names.
 */
export function displayNameOf(filename: string): string {
  const name = filename
    .replace(/\.[^.]*$/, '')
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name || filename;
}
