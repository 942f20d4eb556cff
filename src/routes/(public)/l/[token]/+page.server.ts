import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { recordLinkReopened, sessionOpensLink } from '$lib/server/auth/link-reopen';
import { consumeMagicLink, findLink, maskEmail, type FoundLink } from '$lib/server/auth/magic-link';
import { bindingHashOf, clearAuthCookies, setSessionCookie } from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import { keepPushOnNewSession } from '$lib/server/push/subscriptions';
import { startSessionFromLink } from '$lib/server/auth/sign-in';
import { safeEqual } from '$lib/server/auth/token';
import { packetHeading } from '$lib/format/periods';
import { logoView } from '$lib/server/firm/logo-key';
import { contactLocale } from '$lib/server/i18n/contact-locale';
import { rememberLocale } from '$lib/server/i18n/locale-cookie';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

/** A browser already signed in as the link's person goes on to its target, whatever its state. */
async function goOnIfSignedIn(event: RequestEvent, link: FoundLink | null) {
  if (!link || !sessionOpensLink(event.locals.session, link)) return;
  await recordLinkReopened(getDb(), link, requestMeta(event));
  redirect(303, link.redirectTo);
}

/**
 * Shows what the link opens, or why it no longer does; never consumes it (scanners GET and HEAD
 * every link, and carry no session, so they only ever see this page).
 */
export const load: PageServerLoad = async (event) => {
  const link = await findLink(getDb(), event.params.token);
  await goOnIfSignedIn(event, link);
  if (!link) return { state: 'unknown' as const, link: null };
  // The page speaks the language the link's mail did: the person's, as their firm set it.
  if (link.firmId && !link.redirectTo.startsWith('/firm')) {
    event.locals.locale = await contactLocale(getDb(), link.firmId, link.userId);
    rememberLocale(event.cookies, event.locals.locale);
  }
  const locale = event.locals.locale;
  if (link.state !== 'usable') return { state: link.state, link: null, locale };
  const binding = bindingHashOf(event.cookies);
  let destination: string;
  if (link.packetTitle) {
    destination = packetHeading(link.packetTitle, link.packetPeriod ?? '', undefined, locale);
  } else if (link.redirectTo.startsWith('/firm')) destination = m.dest_packet_workspace();
  else if (link.purpose === 'invite') destination = m.dest_portal();
  else destination = m.dest_documents();
  return {
    state: link.state,
    locale,
    link: {
      email: maskEmail(link.email),
      firmName: link.firmName,
      firmLogo: logoView(link.firmLogo, 48),
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
    if (!started) {
      // Used since this page was shown (another tab, the other phone): on, or say so.
      const link = await findLink(db, event.params.token);
      await goOnIfSignedIn(event, link);
      if (!link) return fail(404, { state: 'unknown' as const });
      return fail(410, {
        state: link.state === 'expired' ? ('expired' as const) : ('used' as const)
      });
    }
    if (event.locals.session) {
      // The same person signing in again keeps this device's notifications.
      await keepPushOnNewSession(db, event.locals.session, started.session);
      await invalidateSession(db, event.locals.session.idHash);
    }
    clearAuthCookies(event.cookies, 'binding');
    setSessionCookie(event.cookies, started.token, started.session.expiresAt);
    redirect(303, started.redirectTo);
  }
};
