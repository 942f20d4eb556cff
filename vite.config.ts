import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { messagesByLocale } from './scripts/messages-by-locale.js';
import { paraglideOptions } from './scripts/paraglide-options.js';
import { paraglideIntlCache } from './scripts/paraglide-intl-cache.js';
import { kitPageEtag } from './scripts/kit-page-etag.js';

// Svelte's runtime and SvelteKit's client, which every page hydrates with, as one file rather
// than the eight or so pieces Rollup cuts them into by which routes use which part: each file
// is compressed on its own, and a client page loaded all of them anyway.
const FRAMEWORK = /\/node_modules\/(svelte|@sveltejs\/kit|devalue|esm-env|clsx)\//;
// Parts that only staff pages and the viewer use stay where Rollup puts them.
const NOT_FRAMEWORK =
  /\/svelte\/src\/(reactivity|attachments|internal\/client\/dom\/(legacy|blocks\/(key|svelte-element)|elements\/(customizable-select|bindings\/size)))/;
const frameworkChunk = (id: string) =>
  FRAMEWORK.test(id) && !NOT_FRAMEWORK.test(id) ? 'framework' : undefined;

export default defineConfig({
  plugins: [
    paraglideVitePlugin(paraglideOptions),
    paraglideIntlCache(),
    messagesByLocale(),
    kitPageEtag(),
    sveltekit(),
    {
      // Fewer, bigger browser chunks: a page's modules arrive in fewer requests (over HTTP/1.1,
      // six at a time per host), so the viewer's page-1 picture is not queued behind two dozen
      // tiny files. Client build only: merged server chunks would break route modules' exports.
      name: 'sheaf:fewer-client-chunks',
      configEnvironment: (name) =>
        name === 'client'
          ? {
              build: {
                rollupOptions: {
                  output: { experimentalMinChunkSize: 8 * 1024, manualChunks: frameworkChunk }
                }
              }
            }
          : undefined
    },
    SvelteKitPWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'service-worker.ts',
      registerType: 'prompt',
      injectRegister: false,
      // One manifest for every language (issue 23): the install prompt and the home screen show
      // the product's name, which reads the same in each, and no sentence in one of them. The
      // plugin would fill in package.json's (English) description and lang 'en'.
      manifest: {
        name: 'Sheaf',
        short_name: 'Sheaf',
        description: undefined,
        lang: undefined,
        start_url: '/p',
        scope: '/',
        display: 'standalone',
        theme_color: '#1f6f5c',
        background_color: '#f7f7f4',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable'
          }
        ]
      },
      injectManifest: {
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest,woff2}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024
      },
      devOptions: { enabled: false }
    })
  ],
  server: { port: 5173 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts'],
          // Some specs do real work (pdf.js on its thread, a 3,000-page PDF, the AWS SDK): on a
          // busy two-core machine vitest's 5 s default cut them off. This only catches hangs.
          testTimeout: 30_000
        }
      },
      {
        extends: true,
        test: {
          name: 'integration-pglite',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          // Several instances on one database, and cutting PostgreSQL away: PostgreSQL only.
          exclude: [
            'tests/integration/cluster/**',
            'tests/integration/faults/postgres-down.test.ts',
            'tests/integration/faults/postgres-timeouts.test.ts'
          ],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/setup-db.ts'],
          env: { SHEAF_TEST_DB: 'pglite' },
          server: { deps: { external: [/\/build\//] } },
          // A backstop for hangs, not a speed bound: on a busy two-core machine (CI runs beside
          // other work) the IDOR matrix, hundreds of requests, took 30.4 s once on PostgreSQL.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          isolate: false,
          fileParallelism: true
        }
      },
      {
        extends: true,
        test: {
          name: 'integration-postgres',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          // These spawn their own servers (start: on both databases); they run once, with PGlite.
          exclude: [
            'tests/integration/start.test.ts',
            'tests/integration/abuse/slow-clients.test.ts'
          ],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/setup-db.ts'],
          env: { SHEAF_TEST_DB: 'postgres' },
          server: { deps: { external: [/\/build\//] } },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          isolate: false,
          fileParallelism: true
        }
      }
    ]
  }
});
