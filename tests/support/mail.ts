// Reads the mail the app enqueued straight from the outbox (the dev mailbox route is built
// elsewhere; integration tests do not need it).
import { desc, sql } from 'drizzle-orm';
import { getDb } from '../../src/lib/server/db/client';
import { outbox } from '../../src/lib/server/db/schema';
import { outboxPayload, type EmailMessage } from '../../src/lib/server/email/outbox';
import { selectOutbox } from './outbox';

export async function mailsTo(email: string): Promise<EmailMessage[]> {
  const rows = await selectOutbox(getDb())
    .where(sql`${outboxPayload}->>'to' = ${email}`)
    .orderBy(desc(outbox.id));
  return rows.map((r) => r.payload as EmailMessage);
}

export async function latestMailTo(email: string): Promise<EmailMessage> {
  const [mail] = await mailsTo(email);
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail;
}

/** The /l/<token> path of a mail. */
export function linkPathOf(mail: EmailMessage): string {
  const m = mail.text.match(/\/l\/([a-z0-9]+)/);
  if (!m) throw new Error('no /l/ link in mail');
  return `/l/${m[1]}`;
}

export function codeOf(mail: EmailMessage): string {
  const m = mail.text.match(/code[^0-9]{0,60}(\d{6})\b/i) ?? mail.text.match(/\b(\d{6})\b/);
  if (!m) throw new Error('no code in mail');
  return m[1];
}
