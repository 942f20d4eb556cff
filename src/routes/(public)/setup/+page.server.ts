import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
  currentZoneName,
  DEFAULT_TIME_ZONE,
  isTimeZone,
  timeZoneNames
} from '$lib/format/time-zone';
import { getDb } from '$lib/server/db/client';
import { createFirmFromSetup, SetupTokenUsedError } from '$lib/server/firm/create-firm';
import { clearAuthCookies, setSessionCookie } from '$lib/server/auth/cookies';
import { requestMeta } from '$lib/server/auth/request-meta';
import { invalidateSession } from '$lib/server/auth/session';
import { normaliseEmail } from '$lib/format/email-address';
import { setupTokenState } from '$lib/server/firm/setup-token';
import type { Db } from '$lib/server/db/client';
import type { Actions, PageServerLoad } from './$types';

/** 404 unless the token is the live setup token; 410 saying where that is for an older one. */
async function requireLiveSetupToken(db: Db, token: string | null): Promise<void> {
  const state = await setupTokenState(db, token);
  if (state === 'dead') {
    error(
      410,
      'This setup link was replaced by a newer one, or it expired. Use the newest link in Sheaf’s start-up output (also in setup-url.txt in its data directory); restarting Sheaf prints one that works.'
    );
  }
  if (state !== 'live') error(404, 'Not found');
}

export const load: PageServerLoad = async ({ url }) => {
  await requireLiveSetupToken(getDb(), url.searchParams.get('token'));
  return { timeZones: timeZoneNames() };
};

const schema = z.object({
  firmName: z
    .string()
    .trim()
    .min(1, 'Enter the name of your firm.')
    .max(120, 'Keep it under 120 characters.'),
  ownerName: z.string().trim().min(1, 'Enter your name.').max(120, 'Keep it under 120 characters.'),
  email: z.string().transform((v, ctx) => {
    const email = normaliseEmail(v);
    if (!email) ctx.addIssue({ code: 'custom', message: 'Enter a valid email address.' });
    return email ?? '';
  }),
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, 'Choose a time zone from the list.')
    .transform(currentZoneName)
});

export const actions: Actions = {
  default: async (event) => {
    const token = event.url.searchParams.get('token');
    const db = getDb();
    await requireLiveSetupToken(db, token);
    const form = Object.fromEntries(await event.request.formData());
    const values = {
      firmName: String(form.firmName ?? ''),
      ownerName: String(form.ownerName ?? ''),
      email: String(form.email ?? ''),
      timeZone: String(form.timeZone ?? DEFAULT_TIME_ZONE)
    };
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      return fail(400, { message: 'Please check the form.', errors, values });
    }
    let started;
    try {
      started = await db.transaction((tx) =>
        createFirmFromSetup(tx, {
          name: parsed.data.firmName,
          ownerName: parsed.data.ownerName,
          ownerEmail: parsed.data.email,
          timeZone: parsed.data.timeZone,
          setupToken: token ?? '',
          ...requestMeta(event)
        })
      );
    } catch (e) {
      if (e instanceof SetupTokenUsedError) error(404, 'Not found');
      throw e;
    }
    // As after a link sign-in: whoever this browser was signed in as before is signed out.
    if (event.locals.session) await invalidateSession(db, event.locals.session.idHash);
    clearAuthCookies(event.cookies, 'binding');
    setSessionCookie(event.cookies, started.token, started.session.expiresAt);
    redirect(303, '/firm');
  }
};
