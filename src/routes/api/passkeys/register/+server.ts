import { json } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/audit';
import { getDb } from '$lib/server/db/client';
import { confirmSession, verifyRegistration } from '$lib/server/auth/passkeys/ceremonies';
import { passkeyFailureMessage } from '$lib/server/auth/passkeys/messages';
import { parseRegistrationResponse } from '$lib/server/auth/passkeys/response';
import { passkeyChangesAllowed, staffFirmOf } from '$lib/server/auth/passkeys/step-up';
import { clientMeta } from '$lib/server/auth/request-meta';
import { readJsonBody } from '$lib/server/http/json-body';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages';

/**
 * Stores a new passkey of the signed-in user: JSON in { response }, out { passkey: { id, name } }.
 * A staff member's first passkey, added where the firm requires one, also confirms the session.
 */
export const POST: RequestHandler = async (event) => {
  requireSameOrigin(event);
  const { user, session } = event.locals;
  if (!user || !session) return json({ error: m.err_sign_in_first() }, { status: 401 });
  const body = (await readJsonBody(event)) as { response?: unknown } | null;
  const response = parseRegistrationResponse(body?.response);
  if (!response) return json({ error: 'Send a passkey response.' }, { status: 400 });
  const db = getDb();
  if (!(await passkeyChangesAllowed(db, user.id, session))) {
    return json({ error: 'Confirm with your passkey first.' }, { status: 403 });
  }
  const firm = await staffFirmOf(db, user.id);
  const result = await db.transaction(async (tx) => {
    const checked = await verifyRegistration(tx, {
      userId: user.id,
      sessionHash: session.idHash,
      response,
      userAgent: event.request.headers.get('user-agent')
    });
    if (!checked.ok) return checked;
    const confirms =
      session.kind === 'staff' && !!firm?.staffPasskeyRequired && !session.passkeyConfirmedAt;
    if (confirms) await confirmSession(tx, session.idHash);
    await recordAudit(tx, {
      action: 'passkey.added',
      firmId: session.kind === 'staff' ? (firm?.id ?? null) : null,
      actorId: user.id,
      subject: `user:${user.id}`,
      ...clientMeta(event),
      data: { passkeyId: checked.passkey.id, name: checked.passkey.name, confirms }
    });
    return checked;
  });
  if (!result.ok) {
    return json({ error: passkeyFailureMessage('register', result.reason) }, { status: 400 });
  }
  return json({ passkey: { id: result.passkey.id, name: result.passkey.name } });
};
