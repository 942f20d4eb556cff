// SvelteKit gives every server-rendered page an ETag: a hash of the whole HTML, computed in
// JavaScript one character at a time (tens of microseconds for a 20 KB page, on the event
// loop). Sheaf's pages carry a fresh CSP nonce each (svelte.config.js, csp mode 'auto'), so no
// two responses hash alike and the ETag can never answer an If-None-Match: the work is wasted.
// This Vite transform drops that one statement from Kit's page renderer, in the server bundle.
// Files, pictures and the PDF routes set their own ETags and are untouched.

const ETAG = 'headers.set(\'etag\', `"${hash(transformed)}"`);';

/**
 * Kit's render.js without the page ETag. Throws when the statement is not there: a Kit upgrade
 * that changed it must be looked at, not silently hash again.
 * @param {string} code
 * @returns {string}
 */
export function dropPageEtag(code) {
  if (!code.includes(ETAG)) {
    throw new Error(
      'sheaf:kit-page-etag: SvelteKit no longer sets the page ETag as expected; see scripts/kit-page-etag.js'
    );
  }
  return code.replace(ETAG, '/* sheaf: no page ETag (scripts/kit-page-etag.js) */');
}

/** @returns {import('vite').Plugin} */
export function kitPageEtag() {
  return {
    name: 'sheaf:kit-page-etag',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0].replace(/\\/g, '/');
      if (!file.endsWith('/@sveltejs/kit/src/runtime/server/page/render.js')) return null;
      return { code: dropPageEtag(code), map: null };
    }
  };
}
