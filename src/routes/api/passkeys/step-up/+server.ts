import { json } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import { confirmSession, verifyAssertion } from '$lib/server/auth/passkeys/ceremonies';
import { passkeyFailureMessage } from '$lib/server/auth/passkeys/messages';
import { parseAuthenticationResponse } from '$lib/server/auth/passkeys/response';
import { staffFirmOf } from '$lib/server/auth/passkeys/step-up';
import { clientMeta } from '$lib/server/auth/request-meta';
import { readJsonBody } from '$lib/server/http/json-body';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages';

/** Confirms this session with one of the user's own passkeys: JSON in { response }. */
export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const { user, session } = event.locals;
  if (!user || !session) return json({ error: m.err_sign_in_first() }, { status: 401 });
  const body = (await readJsonBody(event)) as { response?: unknown } | null;
  const response = parseAuthenticationResponse(body?.response);
  if (!response) return json({ error: 'Send a passkey response.' }, { status: 400 });
  const db = getDb();
  const firm = await staffFirmOf(db, user.id);
  const audit = { firmId: firm?.id ?? null, actorId: user.id, subject: `user:${user.id}` };
  const result = await db.transaction(async (tx) => {
    const checked = await verifyAssertion(tx, {
      ceremony: 'step_up',
      bindingHash: session.idHash,
      userId: user.id,
      response
    });
    if (!checked.ok) {
      await recordAudit(tx, {
        ...audit,
        action: 'auth.passkey_failed',
        ...clientMeta(event),
        data: { ceremony: 'step_up', reason: checked.reason }
      });
      return checked;
    }
    await confirmSession(tx, session.idHash);
    await recordAudit(tx, {
      ...audit,
      action: 'auth.passkey_used',
      ...clientMeta(event),
      data: { passkeyId: checked.passkey.id, ceremony: 'step_up' }
    });
    return checked;
  });
  if (!result.ok) {
    return json({ error: passkeyFailureMessage('step_up', result.reason) }, { status: 400 });
  }
  return json({ confirmed: true });
};
