import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db/client';
import { isStaffPath } from '$lib/server/auth/guards';
import { isSafeRedirect } from '$lib/server/auth/magic-link';
import { codeAddressTag } from '$lib/server/auth/rate-limit';
import { setBindingCookie } from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { tooManyRequests } from '$lib/server/http/too-many-requests';
import { normaliseEmail } from '$lib/format/email-address';
import { requestSignIn } from '$lib/server/auth/sign-in';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

function safeNext(url: URL): string | null {
  const next = url.searchParams.get('next');
  return next && isSafeRedirect(next) ? next : null;
}

const schema = z.object({
  email: z.string().transform((raw, ctx) => {
    const email = normaliseEmail(raw);
    if (email) return email;
    ctx.addIssue({
      code: 'custom',
      message: raw.trim() ? m.err_not_email() : m.err_enter_email()
    });
    return z.NEVER;
  })
});

export const load: PageServerLoad = ({ locals, url }) => {
  const next = safeNext(url);
  // requireStaff sends a client session here to sign in again: redirecting back would loop.
  const staffSignIn =
    !!locals.user && locals.session?.kind !== 'staff' && next !== null && isStaffPath(next);
  if (locals.user && !staffSignIn && url.searchParams.get('switch') === null) {
    redirect(303, next ?? '/account');
  }
  return { next, staffSignIn, email: staffSignIn ? (locals.user?.email ?? null) : null };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const raw = String(form.get('email') ?? '').slice(0, 300);
    const parsed = schema.safeParse({ email: raw });
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues[0].message, values: { email: raw } });
    }
    const { email } = parsed.data;
    const bindingHash = setBindingCookie(event.cookies, codeAddressTag(email));
    const result = await requestSignIn(getDb(), {
      email,
      next: safeNext(event.url),
      bindingHash,
      ...requestMeta(event)
    });
    if (!result.ok) tooManyRequests(event, result.retryAfterSeconds);
    return { sent: true as const, email };
  }
};
