// Matches bulk-upload filenames to clients by client code or name (used in the browser and
// tested as a unit).
export interface MatchableClient {
  id: string;
  name: string;
  code: string;
}

const words = (value: string) =>
  ` ${value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\.pdf$/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

/**
 * The client whose code (as a whole word) or full name appears in the filename. The longest
 * match wins; a tie between different clients is no match (staff choose by hand).
 */
export function matchClient<T extends MatchableClient>(filename: string, clients: T[]): T | null {
  const haystack = words(filename);
  let best: T | null = null;
  let bestScore = 0;
  let tie = false;
  for (const c of clients) {
    const code = words(c.code);
    const name = words(c.name);
    const score = Math.max(
      code.trim() && haystack.includes(code) ? code.length : 0,
      name.trim() && haystack.includes(name) ? name.length : 0
    );
    if (score === 0) continue;
    if (score > bestScore) {
      best = c;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && best?.id !== c.id) tie = true;
  }
  return tie ? null : best;
}
