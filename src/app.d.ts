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
    }
    interface Locals {
      user: SessionUser | null;
      session: Session | null;
      /** Link-header entries a page wants fetched before the app's own modules (hooks.server). */
      earlyLinks?: string[];
    }
  }
}

export {};
