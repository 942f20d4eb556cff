import { error, json } from '@sveltejs/kit';
import { clientIp } from '$lib/server/auth/request-meta';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { listMailbox, mailboxAvailable } from '$lib/server/email/mailbox';
import type { RequestHandler } from './$types';

/** Mail the dev mailbox holds, newest first: [{to, subject, text, html, links, createdAt}]. */
export const GET: RequestHandler = async (event) => {
  const allowed = mailboxAvailable(getConfig(), {
    clientAddress: clientIp(event) ?? '',
    hostname: event.url.hostname,
    headers: event.request.headers
  });
  if (!allowed) error(404, 'Not found');
  const limit = Number(event.url.searchParams.get('limit')) || 100;
  const mails = await listMailbox(getDb(), { to: event.url.searchParams.get('to'), limit });
  return json(mails, { headers: { 'cache-control': 'no-store' } });
};
