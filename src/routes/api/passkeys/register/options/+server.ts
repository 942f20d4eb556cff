import { json } from '@sveltejs/kit';
import { challengeRequester } from '$lib/server/auth/passkeys/challenge-request';
import { registrationOptions } from '$lib/server/auth/passkeys/ceremonies';
import { passkeyChangesAllowed } from '$lib/server/auth/passkeys/step-up';
import type { RequestHandler } from './$types';

/** A registration challenge for the signed-in user, bound to this session. */
export const POST: RequestHandler = async (event) => {
  const requester = await challengeRequester(event);
  if (requester instanceof Response) return requester;
  const { db, user, session } = requester;
  if (!(await passkeyChangesAllowed(db, user.id, session))) {
    return json({ error: 'Confirm with your passkey first.' }, { status: 403 });
  }
  const options = await registrationOptions(db, user, session.idHash);
  return json(options, { headers: { 'cache-control': 'no-store' } });
};
