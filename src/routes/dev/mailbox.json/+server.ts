import { error, json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { listMailbox, mailboxAllowedFor } from '$lib/server/email/mailbox';
import type { RequestHandler } from './$types';

/** Mail the dev mailbox holds, newest first: [{to, subject, text, html, links, createdAt}]. */
export const GET: RequestHandler = async (event) => {
  if (!mailboxAllowedFor(event)) error(404, 'Not found');
  const { url } = event;
  const limit = Number(url.searchParams.get('limit')) || 100;
  const mails = await listMailbox(getDb(), { to: url.searchParams.get('to'), limit });
  return json(mails, { headers: { 'cache-control': 'no-store' } });
};
