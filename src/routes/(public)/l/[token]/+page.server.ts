import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { consumeMagicLink, findUsableLink, maskEmail } from '$lib/server/auth/magic-link';
import {
  bindingHashOf,
  clearAuthCookies,
  requestMeta,
  setSessionCookie
} from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import { startSessionFromLink } from '$lib/server/auth/sign-in';
import { safeEqual } from '$lib/server/auth/token';
import type { Actions, PageServerLoad } from './$types';

function formatPeriod(period: string | null): string | null {
  const m = period?.match(/^(\d{4})-Q([1-4])$/);
  return m ? `Q${m[2]} ${m[1]}` : period;
}

/** Shows what the link opens; never consumes it (scanners GET and HEAD every link). */
export const load: PageServerLoad = async ({ params, cookies }) => {
  const link = await findUsableLink(getDb(), params.token);
  if (!link) return { link: null };
  const binding = bindingHashOf(cookies);
  let destination: string;
  if (link.packetTitle) {
    const period = formatPeriod(link.packetPeriod);
    destination = period ? `${period} · ${link.packetTitle}` : link.packetTitle;
  } else if (link.redirectTo.startsWith('/firm')) destination = 'your firm workspace';
  else if (link.purpose === 'invite') destination = 'your document portal';
  else destination = 'your documents';
  return {
    link: {
      email: maskEmail(link.email),
      firmName: link.firmName,
      destination,
      purpose: link.purpose,
      // The browser that asked for this link may continue by itself.
      autoContinue: !!(binding && link.bindingHash && safeEqual(binding, link.bindingHash))
    }
  };
};

export const actions: Actions = {
  default: async (event) => {
    const db = getDb();
    const meta = requestMeta(event);
    const started = await db.transaction(async (tx) => {
      const link = await consumeMagicLink(tx, event.params.token);
      return link ? startSessionFromLink(tx, link, { ...meta, via: 'link' }) : null;
    });
    if (!started) return fail(410, { expired: true as const });
    if (event.locals.session) await invalidateSession(db, event.locals.session.idHash);
    clearAuthCookies(event.cookies, 'binding');
    setSessionCookie(event.cookies, started.token, started.session.expiresAt);
    redirect(303, started.redirectTo);
  }
};
