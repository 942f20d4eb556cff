// A packet's versions as the client reads them in its history and the "what changed" box.
import { joinWords } from './words';

/** One published version's changes in words: "Added X", "Removed Y", "Changed the title". */
export function describeVersionChanges(v: {
  added: string[];
  removed: string[];
  details: string[];
}): string[] {
  const lines: string[] = [];
  if (v.added.length) lines.push(`Added ${joinWords(v.added)}`);
  if (v.removed.length) lines.push(`Removed ${joinWords(v.removed)}`);
  if (v.details.length) lines.push(`Changed the ${joinWords(v.details)}`);
  return lines;
}
