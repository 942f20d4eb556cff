import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import { renameUser } from '$lib/server/auth/account';
import { toDevices } from '$lib/server/auth/devices';
import { requireUser } from '$lib/server/auth/guards';
import { clearAuthCookies } from '$lib/server/auth/cookies';
import { clientMeta } from '$lib/server/auth/request-meta';
import {
  invalidateUserSession,
  invalidateUserSessions,
  listUserSessions
} from '$lib/server/auth/session';
import {
  alertPreferencesSchema,
  listAlertPreferences,
  saveAlertPreferences
} from '$lib/server/alerts/preferences';
import { describeDevice } from '$lib/server/auth/devices';
import { listPushDevices, removePushSubscription } from '$lib/server/push/subscriptions';
import { loadPasskeys, removePasskeyAction, renamePasskeyAction } from './passkeys.server';
import { languageChoiceSchema, setOwnLocale } from '$lib/server/i18n/language-settings';
import { ownLocale } from '$lib/server/i18n/contact-locale';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireUser(event);
  const staff = event.locals.session?.kind === 'staff';
  const [sessions, alerts, pushDevices, passkeys, locale] = await Promise.all([
    listUserSessions(getDb(), me.id),
    // Staff only: a contact (even a member signed in by a contact's link) sees no alerts.
    staff ? listAlertPreferences(getDb(), me.id) : [],
    listPushDevices(getDb(), me.id, event.locals.session?.idHash ?? null),
    loadPasskeys(event),
    ownLocale(getDb(), me.id)
  ]);
  return {
    alerts,
    passkeys,
    me: { name: me.name, email: me.email },
    locale,
    devices: toDevices(sessions, event.locals.session?.idHash ?? null),
    pushDevices: pushDevices.map(({ userAgent, ...d }) => ({ ...d, ...describeDevice(userAgent) }))
  };
};

const nameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: () => m.err_enter_name() })
    .max(120, { error: () => m.err_too_long({ max: 120 }) })
});

/** Sign-out responses also wipe this browser's saved packets and caches. */
const CLEAR_SITE_DATA = { 'clear-site-data': '"cache", "storage"' };

export const actions: Actions = {
  renamePasskey: renamePasskeyAction,
  removePasskey: removePasskeyAction,

  name: async (event) => {
    const me = requireUser(event);
    const name = String((await event.request.formData()).get('name') ?? '');
    const parsed = nameSchema.safeParse({ name });
    if (!parsed.success) {
      return fail(400, { nameError: parsed.error.issues[0].message, name: name.trim() });
    }
    await renameUser(getDb(), me.id, parsed.data.name);
    return { saved: true as const };
  },

  /** The person's own language (or '' for as each firm set it); the page follows at once. */
  language: async (event) => {
    const me = requireUser(event);
    const parsed = languageChoiceSchema.safeParse({
      locale: String((await event.request.formData()).get('locale') ?? '')
    });
    if (!parsed.success) return fail(400, { languageError: parsed.error.issues[0].message });
    const meta = clientMeta(event);
    await setOwnLocale(getDb(), me.id, parsed.data.locale, { id: me.id, ...meta });
    return { languageSaved: true as const };
  },

  /** One membership's alert choices: only ever the signed-in user's own. */
  alerts: async (event) => {
    const me = requireUser(event);
    if (event.locals.session?.kind !== 'staff') error(404, 'Not found');
    const values = Object.fromEntries(
      [...(await event.request.formData())].map(([k, v]) => [k, String(v)])
    );
    const parsed = alertPreferencesSchema.safeParse(values);
    const membershipId = values.membershipId ?? '';
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? '');
      if (field === 'membershipId') error(404, 'Not found');
      return fail(400, {
        alertsFor: membershipId,
        alertsError: { field, message: issue?.message ?? 'Check the fields.' },
        alertsValues: values
      });
    }
    const db = getDb();
    const saved = await db.transaction(async (tx) => {
      if (!(await saveAlertPreferences(tx, me.id, parsed.data))) return false;
      await recordAudit(tx, {
        action: 'member.alerts_changed',
        actorId: me.id,
        subject: `user:${me.id}`,
        ...clientMeta(event),
        data: {
          membershipId: parsed.data.membershipId,
          questionAlerts: parsed.data.questionAlerts,
          approvalAlerts: parsed.data.approvalAlerts,
          digestMinute: parsed.data.digestTime
        }
      });
      return true;
    });
    if (!saved) error(404, 'Not found');
    return { alertsSaved: membershipId };
  },

  /** Stops notifications on one of the caller's own devices (PushDevices.svelte). */
  removePushDevice: async (event) => {
    const me = requireUser(event);
    const id = String((await event.request.formData()).get('subscription') ?? '');
    if (!z.uuid().safeParse(id).success) return fail(404, { pushGone: true as const });
    if (!(await removePushSubscription(getDb(), me.id, id))) {
      return fail(404, { pushGone: true as const });
    }
    return { pushRemoved: true as const };
  },

  signOut: async (event) => {
    const me = requireUser(event);
    const id = String((await event.request.formData()).get('session') ?? '');
    const db = getDb();
    if (!(await invalidateUserSession(db, me.id, id))) return fail(404, { gone: true as const });
    await recordAudit(db, {
      action: 'auth.session_ended',
      actorId: me.id,
      subject: `user:${me.id}`,
      ...clientMeta(event),
      data: { reason: 'signed_out_device' }
    });
    if (id === event.locals.session?.idHash) {
      clearAuthCookies(event.cookies, 'session');
      event.setHeaders(CLEAR_SITE_DATA);
      redirect(303, '/sign-in');
    }
    return { signedOut: true as const };
  },

  signOutEverywhere: async (event) => {
    const me = requireUser(event);
    const db = getDb();
    const count = await invalidateUserSessions(db, me.id);
    await recordAudit(db, {
      action: 'auth.session_ended',
      actorId: me.id,
      subject: `user:${me.id}`,
      ...clientMeta(event),
      data: { reason: 'signed_out_everywhere', count }
    });
    clearAuthCookies(event.cookies, 'session');
    event.setHeaders(CLEAR_SITE_DATA);
    redirect(303, '/sign-in');
  }
};
