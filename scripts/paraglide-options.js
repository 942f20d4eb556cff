// One set of Paraglide compiler options for the Vite plugin (vite.config.ts) and the plain
// compile that `npm run check` runs first (scripts/compile-messages.js), so svelte-check and
// eslint see the same generated message modules a build does.
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
  project: './project.inlang',
  outdir: './src/lib/paraglide',
  // The locale is never read from the URL, a cookie or a global: hooks.server.ts and
  // hooks.client.ts overwrite getLocale() with the locale the server resolved for the request
  // (src/lib/i18n/). Code outside a request (mail, push) passes { locale } to each message.
  strategy: ['baseLocale'],
  disableAsyncLocalStorage: true,
  emitReadme: false
};
