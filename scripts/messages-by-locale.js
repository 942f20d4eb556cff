// A Vite plugin: in the browser build each Paraglide message carries English only, and every
// other language is a module of its own (`virtual:sheaf-messages/es`, …) that
// src/lib/i18n/locale-messages.svelte.ts loads when a page speaks it. A page's code then holds
// one language of its messages instead of four. The server build is left as Paraglide wrote it.
//
// Paraglide (outputStructure 'message-modules', its default in production builds) writes one module per message with
// a function per language and a dispatcher: `if (locale === "es") return es_key(inputs)`, … ,
// `return en_key(inputs)`. In the browser the dispatcher becomes
// `messagesFor(options.locale)?.key(inputs) ?? en_key(inputs)`: the language's loaded module, or
// English while there is none (English itself, or a language still on its way); the other
// languages' functions, now unused, are dropped by the bundler. `virtual:sheaf-messages/es`
// re-exports each message's es function from `<message>.js?sheaf-locale=es`, the same module
// exporting it.
//
// Outside production builds (the dev server, tests) Paraglide writes one module per language
// instead; then messages are left whole and `virtual:sheaf-messages/es` is es.js.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const { baseLocale, locales } = JSON.parse(
  readFileSync(new URL('../project.inlang/settings.json', import.meta.url), 'utf8')
);
const others = locales.filter((/** @type {string} */ l) => l !== baseLocale);
const VIRTUAL = 'virtual:sheaf-messages/';
const MESSAGE = /\/src\/lib\/paraglide\/messages\/(\w+)\.js$/;
const CALL = /if \(locale === "(\w+)"\) return (\w+)\(inputs\)/g;
// The dispatcher's body, from its reading of the locale to its closing English call.
const BODY =
  /\{\n\tconst locale = experimentalStaticLocale \?\? options\.locale \?\? getLocale\(\)\n(?:\tif \(locale === "\w+"\) return \w+\(inputs\)\n)*\treturn \w+\(inputs\)\n\}\)/;
const LAST = /\n\treturn (\w+)\(inputs\)\n\}\);/;

/** @param {string} message @param {string} why */
const fail = (message, why) => {
  throw new Error(`messages-by-locale: ${message}: ${why} (has Paraglide's output changed?)`);
};

/** @returns {import('vite').Plugin} */
export function messagesByLocale() {
  let messagesDir = '';
  return {
    name: 'sheaf:messages-by-locale',
    configResolved(config) {
      messagesDir = path.join(config.root, 'src/lib/paraglide/messages');
    },
    resolveId(id) {
      return id.startsWith(VIRTUAL) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${VIRTUAL}`)) return null;
      const locale = id.slice(VIRTUAL.length + 1);
      if (!others.includes(locale)) fail(id, 'not a language of the project');
      // Paraglide writes one module per language outside production builds (dev, tests).
      const whole = path.join(messagesDir, `${locale}.js`);
      if (existsSync(whole)) return `export * from ${JSON.stringify(whole)};`;
      return readdirSync(messagesDir)
        .filter((f) => f.endsWith('.js') && f !== '_index.js')
        .map((f) => {
          const from = `${path.join(messagesDir, f)}?sheaf-locale=${locale}`;
          return `export { __sheaf_locale as ${f.slice(0, -3)} } from ${JSON.stringify(from)};`;
        })
        .join('\n');
    },
    transform(code, id, options) {
      const [file, query = ''] = id.split('?');
      const key = MESSAGE.exec(file)?.[1];
      // _index.js, and a language's module where Paraglide wrote one per language (dev, tests).
      if (!key || key === '_index' || locales.includes(key)) return null;
      const variant = /(?:^|&)sheaf-locale=(\w+)/.exec(query)?.[1];
      if ((options?.ssr && !variant) || (query && !variant)) return null;
      if (!code.includes(`const ${key} = `)) fail(key, 'no message of that name');
      const english = LAST.exec(code)?.[1];
      if (!english) fail(key, 'no closing English call');
      if (variant) {
        const calls = new Map([...code.matchAll(CALL)].map((c) => [c[1], c[2]]));
        return { code: `${code}\nexport { ${calls.get(variant) ?? english} as __sheaf_locale };` };
      }
      let replaced = 0;
      const out = code.replace(BODY, () => {
        replaced++;
        return `__messagesFor(options.locale)?.${key}(inputs) ?? ${english}(inputs))`;
      });
      if (replaced !== 1) fail(key, 'no dispatcher of the expected shape');
      const imports =
        'import { messagesFor as __messagesFor } from "$lib/i18n/locale-messages.svelte";\n';
      return { code: imports + out };
    }
  };
}
