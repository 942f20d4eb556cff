// A message with markup inside it ("Continue as <email>"): the page asks for the message with
// SLOT as the placeholder's value and renders its own element between the two halves, so each
// language keeps its own word order around the element.

/** A private-use character no translation or name contains. */
export const SLOT = '\u{E000}';

/** The text before and after SLOT (all of it before, when the message has none). */
export function aroundSlot(text: string): [string, string] {
  const at = text.indexOf(SLOT);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + SLOT.length)];
}
