/// <reference types="vite-plugin-pwa/info" />
/// <reference types="vite-plugin-pwa/svelte" />
/// <reference types="vite-plugin-pwa/client" />
import type { Session } from '$lib/server/db/schema';
import type { SessionUser } from '$lib/server/auth/session';

declare global {
  namespace App {
    interface Error {
      message: string;
      id?: string;
      /** The database was out of reach: the response is a 503; try again shortly. */
      unavailable?: boolean;
    }
    interface Platform {
      /** adapter-node's incoming request (its socket gives the real peer address). */
      req?: import('node:http').IncomingMessage;
    }
    interface Locals {
      user: SessionUser | null;
      session: Session | null;
      /** The language this request's pages speak (hooks.server.ts `language`). */
      locale: import('$lib/i18n/locale').Locale;
      /** Link-header entries a page wants fetched before the app's own modules (hooks.server). */
      earlyLinks?: string[];
      /**
       * The page's picture before the app's modules: only the entry modules are preloaded, the
       * rest follow from their imports (hooks.server), so the picture is not queued behind them.
       */
      pictureFirst?: boolean;
      /** Set by handleError when the database was out of reach (the response becomes a 503). */
      databaseUnavailable?: boolean;
    }
  }
}

export {};
