import { error } from '@sveltejs/kit';
import { clientIp } from '$lib/server/auth/request-meta';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { listMailbox, mailboxAvailable } from '$lib/server/email/mailbox';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const allowed = mailboxAvailable(getConfig(), {
    clientAddress: clientIp(event) ?? '',
    hostname: event.url.hostname,
    headers: event.request.headers
  });
  if (!allowed) error(404, 'Not found');
  const to = event.url.searchParams.get('to')?.trim() || '';
  const mails = await listMailbox(getDb(), { to, limit: 100 });
  const code = (text: string) => /code[^0-9]{0,40}(\d{6})\b/i.exec(text)?.[1] ?? null;
  return { mails: mails.map((m) => ({ ...m, code: code(m.text) })), to };
};
