import { redirect } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import { clearAuthCookies } from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.user) redirect(303, '/sign-in');
  return {};
};

export const actions: Actions = {
  default: async (event) => {
    const { session, user } = event.locals;
    if (session && user) {
      const db = getDb();
      await invalidateSession(db, session.idHash);
      const meta = requestMeta(event);
      await recordAudit(db, {
        action: 'auth.session_ended',
        actorId: user.id,
        subject: `user:${user.id}`,
        ip: meta.ip,
        ua: meta.userAgent,
        data: { reason: 'signed_out' }
      });
    }
    clearAuthCookies(event.cookies, 'session');
    // Wipes saved packets and caches of this browser.
    event.setHeaders({ 'clear-site-data': '"cache", "storage"' });
    redirect(303, '/sign-in');
  }
};
