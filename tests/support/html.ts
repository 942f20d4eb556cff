/** A page's visible text: scripts and styles dropped, tags turned into spaces, entities decoded. */
export const textOf = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    // Comments (Svelte's hydration marks) and line-break hints inside a word (EmailAddress)
    // are not spaces.
    .replace(/<!--[\s\S]*?-->|<wbr\s*\/?>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

/**
 * A page's text as a browser runs it together: tags are not spaces (unlike textOf), so words
 * that markup alone separates read as one. Comments dropped, no-break spaces as spaces.
 */
export const renderedText = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<!--[\s\S]*?-->|<[^>]+>/g, '')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** One contact's row on the staff packet page, as text. */
export const rowOf = (html: string, email: string) => {
  const row = html.split('role="row"').find((chunk) => textOf(chunk).includes(email));
  if (!row) throw new Error(`no row for ${email}`);
  return textOf(row);
};
