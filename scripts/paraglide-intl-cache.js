// Paraglide's generated registry (src/lib/paraglide/registry.js) builds a new Intl formatter on
// every call of a message with a plural, number or date: a PluralRules costs tens of
// microseconds, and a page of a packet's history calls it dozens of times. This Vite transform
// makes each formatter once per locale and options, in the bundles only (the generated file is
// left as Paraglide wrote it).

const INTL = /new Intl\.(PluralRules|NumberFormat|DateTimeFormat|RelativeTimeFormat)\(/g;

const CACHE = `
const __sheafIntl = new Map();
/** One Intl formatter per kind, locale and options (sheaf: scripts/paraglide-intl-cache.js). */
function __sheafCachedIntl(Kind, locale, options) {
	const key = Kind.name + '\\u0000' + locale + '\\u0000' + JSON.stringify(options ?? {});
	let made = __sheafIntl.get(key);
	if (!made) {
		made = new Kind(locale, options);
		__sheafIntl.set(key, made);
	}
	return made;
}
`;

/**
 * The registry's source with every `new Intl.X(` made through the cache.
 * @param {string} code
 * @returns {string}
 */
export function cacheIntlFormatters(code) {
  let count = 0;
  const out = code.replace(INTL, (/** @type {string} */ _, /** @type {string} */ kind) => {
    count++;
    return `__sheafCachedIntl(Intl.${kind}, `;
  });
  return count ? `${out}\n${CACHE}` : code;
}

/** @returns {import('vite').Plugin} */
export function paraglideIntlCache() {
  return {
    name: 'sheaf:paraglide-intl-cache',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]paraglide[\\/]registry\.js$/.test(id.split('?')[0])) return null;
      return { code: cacheIntlFormatters(code), map: null };
    }
  };
}
