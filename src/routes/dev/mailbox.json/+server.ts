import { error, json } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import {
  listMailbox,
  mailboxAvailable,
  requestHostname,
  socketAddress
} from '$lib/server/email/mailbox';
import type { RequestHandler } from './$types';

/** Mail the dev mailbox holds, newest first: [{to, subject, text, html, links, createdAt}]. */
export const GET: RequestHandler = async (event) => {
  const { url, request } = event;
  const allowed = mailboxAvailable(getConfig(), {
    clientAddress: socketAddress(event),
    hostname: requestHostname(request),
    headers: request.headers
  });
  if (!allowed) error(404, 'Not found');
  const limit = Number(url.searchParams.get('limit')) || 100;
  const mails = await listMailbox(getDb(), { to: url.searchParams.get('to'), limit });
  return json(mails, { headers: { 'cache-control': 'no-store' } });
};
