import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { requireUser } from '$lib/server/auth/guards';
import { isSafeRedirect } from '$lib/server/auth/magic-link';
import { countPasskeys } from '$lib/server/auth/passkeys/credentials';
import { staffFirmOf, stepUpNeeded } from '$lib/server/auth/passkeys/step-up';
import type { PageServerLoad } from './$types';

/**
 * The staff step-up: confirm with a passkey, or add the first one (which confirms). The work is
 * done by /api/passkeys/step-up and /api/passkeys/register; this page says what to do.
 */
export const load: PageServerLoad = async (event) => {
  const me = requireUser(event);
  const wanted = event.url.searchParams.get('next');
  const next = wanted && isSafeRedirect(wanted) ? wanted : '/firm';
  const db = getDb();
  const firm = await staffFirmOf(db, me.id);
  // Only a member is asked (a contact has nothing to confirm); a confirmed session goes on.
  if (!firm || !event.locals.session || event.locals.session.passkeyConfirmedAt) {
    redirect(303, next);
  }
  const required = stepUpNeeded(firm, event.locals.session);
  const hasPasskey = (await countPasskeys(db, me.id)) > 0;
  // Nothing to confirm with and nothing asked: adding one is /account's business.
  if (!required && !hasPasskey) redirect(303, next);
  return { next, firmName: firm.name, required, hasPasskey };
};
