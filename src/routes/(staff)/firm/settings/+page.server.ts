import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { timeZoneNames } from '$lib/format/time-zone';
import { isUuid, requireOwner, requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import {
  findMember,
  inviteMember,
  inviteSchema,
  listMembers,
  makeOwner,
  MemberError,
  removeMember
} from '$lib/server/firm/members';
import {
  approvalRuleSchema,
  firmSettingsOf,
  firmSettingsSchema,
  updateApprovalRule,
  updateFirmSetting,
  updateFirmSettings
} from '$lib/server/firm/settings';
import {
  senderSettingsSchema,
  senderView,
  updateSenderSettings
} from '$lib/server/firm/sender-settings';
import { fieldErrors, readForm } from '$lib/server/http/form';
import { clientMeta } from '$lib/server/auth/request-meta';
import { countPasskeys } from '$lib/server/auth/passkeys/credentials';
import { passkeyCounts, resetMemberPasskeys } from '$lib/server/auth/passkeys/reset';
import { setStaffPasskeyRequired } from '$lib/server/auth/passkeys/step-up';
import { logoView } from '$lib/server/firm/logo-key';
import { removeLogo, uploadLogo } from './logo.server';
import { firmLanguageSchema } from '$lib/server/i18n/language-settings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm, user, membership } = await requireStaff(event);
  const [members, sender] = await Promise.all([listMembers(getDb(), firm.id), senderView(firm)]);
  const passkeys = await passkeyCounts(
    getDb(),
    members.map((m) => m.userId)
  );
  return {
    passkeyPolicy: {
      required: firm.staffPasskeyRequired,
      counts: passkeys,
      confirmed: !!event.locals.session?.passkeyConfirmedAt
    },
    settings: firmSettingsOf(firm),
    sender,
    approvalRule: firm.approvalRule,
    logo: logoView(firm.logo, 48),
    // Not `locale`: a page's `locale` is the language the page itself speaks (hooks.client.ts
    // reads it), and this page speaks its reader's, not the one the firm set for its clients.
    clientLocale: firm.locale,
    isOwner: membership.role === 'owner',
    me: user.id,
    members,
    // Only the owner's form lists the zones (some 400 names).
    timeZones: membership.role === 'owner' ? timeZoneNames() : []
  };
};

/** An owner action on one member: another firm's (or no) id is a 404, before the 403. */
async function memberAction(event: RequestEvent, action: string) {
  const access = await requireStaff(event);
  const values = await readForm(event.request);
  const memberId = values.memberId ?? '';
  const target = isUuid(memberId) ? await findMember(getDb(), access.firm.id, memberId) : null;
  if (!target)
    return { access, target: null, failure: fail(404, { action, message: 'Not found.' }) };
  if (access.membership.role !== 'owner') error(403, 'Only an owner of the firm can do this.');
  return { access, target, failure: null };
}

const actorOf = (event: RequestEvent, user: { id: string; name: string }) => {
  const meta = clientMeta(event);
  return { id: user.id, name: user.name, ip: meta.ip, ua: meta.ua };
};

export const actions: Actions = {
  profile: async (event) => {
    const { firm, user } = await requireOwner(event);
    const values = await readForm(event.request);
    const parsed = firmSettingsSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'profile',
        message: 'Nothing was saved: check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    const changed = await getDb().transaction((tx) =>
      updateFirmSettings(tx, firm, parsed.data, actorOf(event, user))
    );
    return { action: 'profile', message: changed.length ? 'Settings saved.' : 'Nothing changed.' };
  },

  /** The From name and own address: an address on an unverified domain is refused. */
  sender: async (event) => {
    const { firm, user } = await requireOwner(event);
    const values = await readForm(event.request);
    const parsed = senderSettingsSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'sender',
        message: 'Nothing was saved: check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    const saved = await updateSenderSettings(getDb(), firm, parsed.data, actorOf(event, user));
    if (!saved.ok) {
      return fail(400, {
        action: 'sender',
        message: 'Nothing was saved: see why below.',
        errors: { [saved.field]: [saved.message] },
        values
      });
    }
    return { action: 'sender', message: saved.changed ? 'Sender saved.' : 'Nothing changed.' };
  },

  approvalRule: async (event) => {
    const { firm, user } = await requireOwner(event);
    const parsed = approvalRuleSchema.safeParse(await readForm(event.request));
    if (!parsed.success) {
      return fail(400, { action: 'approvalRule', message: parsed.error.issues[0].message });
    }
    const changed = await getDb().transaction((tx) =>
      updateApprovalRule(tx, firm, parsed.data.approvalRule, actorOf(event, user))
    );
    return {
      action: 'approvalRule',
      saved: true as const,
      message: changed ? 'Settings saved.' : 'Nothing changed.'
    };
  },

  /** The language a contact's pages and mail use unless staff or the contact chose another. */
  language: async (event) => {
    const { firm, user } = await requireOwner(event);
    const parsed = firmLanguageSchema.safeParse(await readForm(event.request));
    if (!parsed.success) {
      return fail(400, { action: 'language', message: parsed.error.issues[0].message });
    }
    const changed = await getDb().transaction((tx) =>
      updateFirmSetting(tx, firm, 'locale', parsed.data.locale, actorOf(event, user))
    );
    return {
      action: 'language',
      saved: true as const,
      message: changed ? 'Settings saved.' : 'Nothing changed.'
    };
  },

  invite: async (event) => {
    const { firm, user } = await requireOwner(event);
    const values = await readForm(event.request);
    const parsed = inviteSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'invite',
        message: 'Check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    try {
      await getDb().transaction((tx) => inviteMember(tx, firm, parsed.data, actorOf(event, user)));
    } catch (e) {
      if (!(e instanceof MemberError)) throw e;
      return fail(400, {
        action: 'invite',
        message: e.message,
        errors: { email: [e.message] },
        values
      });
    }
    return {
      action: 'invite',
      message: `Invited ${parsed.data.email}: they have an email with a link to sign in.`
    };
  },

  remove: async (event) => {
    const { access, target, failure } = await memberAction(event, 'remove');
    if (failure) return failure;
    try {
      await getDb().transaction((tx) =>
        removeMember(tx, access.firm.id, target.membership.id, actorOf(event, access.user))
      );
    } catch (e) {
      if (!(e instanceof MemberError)) throw e;
      return fail(400, { action: 'remove', message: e.message });
    }
    return {
      action: 'remove',
      message: `Removed ${target.user.email}. Clients they were responsible for are now yours.`
    };
  },

  /** "Staff must confirm with a passkey": the owner turning it on must have and use one. */
  passkeyRequired: async (event) => {
    const { firm, user } = await requireOwner(event);
    const required = (await readForm(event.request)).required === 'on';
    const db = getDb();
    if (required && !firm.staffPasskeyRequired) {
      if ((await countPasskeys(db, user.id)) === 0) {
        return fail(400, {
          action: 'passkeyRequired',
          message: 'Add a passkey to your own account first, so that you can still get in.'
        });
      }
      if (!event.locals.session?.passkeyConfirmedAt) {
        return fail(400, {
          action: 'passkeyRequired',
          message: 'Confirm with your passkey first, so we know it works.',
          confirmFirst: true
        });
      }
    }
    const changed = await db.transaction((tx) =>
      setStaffPasskeyRequired(tx, firm, required, actorOf(event, user))
    );
    const said = required
      ? 'Staff now confirm with a passkey after signing in by email.'
      : 'Staff no longer need a passkey.';
    // Said by a toast; only a refusal stays on the form.
    return {
      action: 'passkeyRequired',
      saved: true as const,
      message: changed ? said : 'Nothing changed.'
    };
  },

  resetPasskeys: async (event) => {
    const { access, target, failure } = await memberAction(event, 'resetPasskeys');
    if (failure) return failure;
    if (target.user.id === access.user.id) {
      return fail(400, {
        action: 'resetPasskeys',
        message: 'Remove your own passkeys on your account page.'
      });
    }
    const removed = await getDb().transaction((tx) =>
      resetMemberPasskeys(tx, access.firm.id, target.user, actorOf(event, access.user))
    );
    const who = target.user.name || target.user.email;
    return {
      action: 'resetPasskeys',
      message: !removed
        ? `${who} had no passkeys.`
        : access.firm.staffPasskeyRequired
          ? `Removed ${who}'s passkeys. Their next firm page walks them through adding a new one.`
          : `Removed ${who}'s passkeys.`
    };
  },

  logo: uploadLogo,
  removeLogo,

  makeOwner: async (event) => {
    const { access, target, failure } = await memberAction(event, 'makeOwner');
    if (failure) return failure;
    await getDb().transaction((tx) =>
      makeOwner(tx, access.firm.id, target.membership.id, actorOf(event, access.user))
    );
    return { action: 'makeOwner', message: `${target.user.email} is now an owner.` };
  }
};
