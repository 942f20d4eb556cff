// Mail helpers for tests. Integration tests run with EMAIL_WORKER=false: call drainOutbox() to
// deliver queued mail into the dev mailbox, then read it with latestMailTo(). E2E tests poll the
// running server's /dev/mailbox.json with waitForMail().
import { getDb, type Db } from '../../src/lib/server/db/client';
import {
  listMailbox,
  createMailboxTransport,
  type MailboxEntry
} from '../../src/lib/server/email/mailbox';
import { createEmailWorker } from '../../src/lib/server/email/worker';

export interface ReceivedMail extends MailboxEntry {
  /** The first magic link (`/l/...`) in the mail, or null. */
  link: string | null;
  /** The 6-digit code in the mail, or null. */
  code: string | null;
}

export function readMail(entry: MailboxEntry): ReceivedMail {
  const link = entry.links.find((l) => new URL(l).pathname.startsWith('/l/')) ?? null;
  const code = /code[^0-9]{0,40}(\d{6})\b/i.exec(entry.text)?.[1] ?? null;
  return { ...entry, link, code };
}

/**
 * Runs the outbox worker (mailbox transport) until nothing is due, so queued mail lands in the
 * dev mailbox. Pass `to` or `firmId` to deliver only that mail.
 */
export async function drainOutbox(
  options: { db?: Db; to?: string; firmId?: string } = {}
): Promise<number> {
  const worker = createEmailWorker(options.db ?? getDb(), {
    transport: createMailboxTransport(),
    only: { to: options.to, firmId: options.firmId }
  });
  const result = await worker.drain();
  return result.sent;
}

/** Every mail delivered to this address, newest first (drains that address's queue first). */
export async function mailsTo(email: string, db: Db = getDb()): Promise<ReceivedMail[]> {
  await drainOutbox({ db, to: email });
  return (await listMailbox(db, { to: email, limit: 500 })).map(readMail);
}

/** The newest mail to this address, or null (drains that address's queue first). */
export async function latestMailTo(email: string, db: Db = getDb()): Promise<ReceivedMail | null> {
  return (await mailsTo(email, db))[0] ?? null;
}

/**
 * E2E: polls the server's /dev/mailbox.json until a mail to `email` arrives (newer than
 * `after`, when given) and returns it with its magic link and code.
 */
export async function waitForMail(
  baseURL: string,
  email: string,
  options: {
    after?: Date;
    timeoutMs?: number;
    subject?: RegExp;
    /** Mails already read (an earlier sign-in's, sent moments before `after`): never these. */
    except?: ReceivedMail[];
  } = {}
): Promise<ReceivedMail> {
  const seen = new Set(options.except?.map((m) => m.link));
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const response = await fetch(`${baseURL}/dev/mailbox.json?to=${encodeURIComponent(email)}`);
    if (response.ok) {
      const mails = (await response.json()) as MailboxEntry[];
      const mail = mails.find(
        (m) =>
          m.to.toLowerCase() === email.toLowerCase() &&
          (!options.after || new Date(m.createdAt) >= options.after) &&
          (!options.subject || options.subject.test(m.subject)) &&
          !seen.has(readMail(m).link)
      );
      if (mail) return readMail(mail);
    }
    if (Date.now() > deadline) throw new Error(`No mail to ${email} arrived in the dev mailbox`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
