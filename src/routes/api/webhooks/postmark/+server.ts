import { error, isHttpError, json } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { checkWebhookAuth, recordPostmarkEvent } from '$lib/server/email/webhook';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
  const auth = checkWebhookAuth(getConfig(), request.headers.get('authorization'));
  if (auth === 'missing') error(404, 'Not found');
  if (auth === 'unauthorized') {
    return json(
      { error: 'Wrong or missing credentials' },
      { status: 401, headers: { 'www-authenticate': 'Basic realm="Sheaf webhooks"' } }
    );
  }
  let event: unknown;
  try {
    event = await request.json();
  } catch (e) {
    if (isHttpError(e)) throw e; // the body cap's 413, or 408 for a body that stopped arriving
    return json({ error: 'The body is not valid JSON' }, { status: 400 });
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    return json({ error: 'Expected one Postmark event object' }, { status: 400 });
  }
  const outcome = await recordPostmarkEvent(getDb(), event as Record<string, unknown>);
  return json({ ok: true, outcome });
};
