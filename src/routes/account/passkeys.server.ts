// The Passkeys section of /account: its load and its rename and remove actions, kept beside the
// page so the page's own file only names them. Adding one goes through /api/passkeys/register.
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import { isUuid, requireUser } from '$lib/server/auth/guards';
import {
  findOwnPasskey,
  listPasskeys,
  PASSKEY_NAME_MAX,
  removePasskey,
  renamePasskey
} from '$lib/server/auth/passkeys/credentials';
import { passkeyChangesAllowed, staffFirmOf } from '$lib/server/auth/passkeys/step-up';
import { clientMeta } from '$lib/server/auth/request-meta';
import { readForm } from '$lib/server/http/form';
import { m } from '$lib/paraglide/messages';

export async function loadPasskeys(event: RequestEvent) {
  const me = requireUser(event);
  const db = getDb();
  const [list, allowed] = await Promise.all([
    listPasskeys(db, me.id),
    passkeyChangesAllowed(db, me.id, event.locals.session)
  ]);
  return { list, locked: !allowed };
}

const nameSchema = z
  .string()
  .trim()
  .min(1, { error: () => m.err_passkey_name() })
  .max(PASSKEY_NAME_MAX, { error: () => m.err_too_long({ max: PASSKEY_NAME_MAX }) });

/** The form's passkey, the user's own only; anything else is a 404, as for another's id. */
async function ownPasskeyForm(event: RequestEvent) {
  const me = requireUser(event);
  const values = await readForm(event.request);
  const id = values.passkeyId ?? '';
  const db = getDb();
  if (!isUuid(id) || !(await findOwnPasskey(db, me.id, id))) error(404, 'Not found');
  const locked = !(await passkeyChangesAllowed(db, me.id, event.locals.session));
  return { me, id, values, db, locked };
}

async function auditPasskey(event: RequestEvent, action: string, data: Record<string, unknown>) {
  const me = requireUser(event);
  const staff = event.locals.session?.kind === 'staff';
  const firm = staff ? await staffFirmOf(getDb(), me.id) : null;
  await recordAudit(getDb(), {
    action,
    firmId: firm?.id ?? null,
    actorId: me.id,
    subject: `user:${me.id}`,
    ...clientMeta(event),
    data
  });
}

const LOCKED = 'Confirm with your passkey first: your firm asks for it before passkeys change.';

export async function renamePasskeyAction(event: RequestEvent) {
  const { me, id, values, db, locked } = await ownPasskeyForm(event);
  const parsed = nameSchema.safeParse(values.name ?? '');
  if (!parsed.success) {
    return fail(400, {
      passkeyId: id,
      passkeyError: parsed.error.issues[0].message,
      passkeyName: values.name ?? ''
    });
  }
  if (locked) return fail(403, { passkeyId: id, passkeyError: LOCKED });
  const renamed = await renamePasskey(db, me.id, id, parsed.data);
  if (!renamed) error(404, 'Not found');
  await auditPasskey(event, 'passkey.renamed', { passkeyId: id, name: renamed.name });
  return { passkeyId: id, passkeySaved: 'renamed' as const };
}

export async function removePasskeyAction(event: RequestEvent) {
  const { me, id, db, locked } = await ownPasskeyForm(event);
  if (locked) return fail(403, { passkeyId: id, passkeyError: LOCKED });
  const removed = await removePasskey(db, me.id, id);
  if (!removed) error(404, 'Not found');
  await auditPasskey(event, 'passkey.removed', { passkeyId: id, name: removed.name });
  return { passkeyId: id, passkeySaved: 'removed' as const };
}
