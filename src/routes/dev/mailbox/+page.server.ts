import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { listMailbox, mailboxAllowedFor } from '$lib/server/email/mailbox';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  if (!mailboxAllowedFor(event)) error(404, 'Not found');
  const { url } = event;
  const to = url.searchParams.get('to')?.trim() || '';
  const mails = await listMailbox(getDb(), { to, limit: 100 });
  const code = (text: string) => /code[^0-9]{0,40}(\d{6})\b/i.exec(text)?.[1] ?? null;
  return { mails: mails.map((m) => ({ ...m, code: code(m.text) })), to };
};
