import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { findLinkForRenewal } from '$lib/server/auth/magic-link';
import { codeAddressTag } from '$lib/server/auth/rate-limit';
import { setBindingCookie } from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import { requestNewLink } from '$lib/server/auth/sign-in';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params, request }) => {
  if (request.method !== 'POST') redirect(303, `/l/${encodeURIComponent(params.token)}`);
  return {};
};

export const actions: Actions = {
  /** "Email me a new link": the same answer whoever asks, whatever the token was. */
  default: async (event) => {
    const db = getDb();
    const token = event.params.token.slice(0, 200);
    const old = await findLinkForRenewal(db, token);
    // A new link's code tries count against its address (the code page finds the link); the tag
    // only serves a token that renews nothing, and must not be derived from any address.
    const bindingHash = setBindingCookie(event.cookies, codeAddressTag(`token:${token}`));
    const result = await requestNewLink(db, {
      old,
      tokenKey: token,
      bindingHash,
      ...requestMeta(event)
    });
    if (!result.ok) tooManyRequests(event, result.retryAfterSeconds);
    return { renewed: true as const };
  }
};
