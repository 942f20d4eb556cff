import { json } from '@sveltejs/kit';
import { challengeRequester } from '$lib/server/auth/passkeys/challenge-request';
import { stepUpOptions } from '$lib/server/auth/passkeys/ceremonies';
import { countPasskeys } from '$lib/server/auth/passkeys/credentials';
import type { RequestHandler } from './$types';

/** A step-up challenge for the signed-in user's own passkeys, bound to this session. */
export const POST: RequestHandler = async (event) => {
  const requester = await challengeRequester(event);
  if (requester instanceof Response) return requester;
  const { db, user, session } = requester;
  if ((await countPasskeys(db, user.id)) === 0) {
    return json({ error: 'You have no passkey yet. Add one instead.' }, { status: 400 });
  }
  const options = await stepUpOptions(db, user.id, session.idHash);
  return json(options, { headers: { 'cache-control': 'no-store' } });
};
