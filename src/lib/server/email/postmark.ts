import { ServerClient, type Models } from 'postmark';
import type { Config } from '../config';
import { fetchWithDeadline } from '../deadline-fetch';
import type { EmailTransport, OutgoingEmail, SendResult } from './transport';

export interface PostmarkOptions {
  token: string;
  /** Base URL of the API; tests point it at a stub. */
  apiUrl?: string;
  messageStream?: string;
  defaultFrom: string;
  /** Seconds before a call is abandoned and retried later. */
  timeoutSeconds?: number;
}

export const POSTMARK_API_URL = 'https://api.postmarkapp.com';
// Per-message error codes that say "not now" rather than "never": the account cannot send
// (405, 412) or the token is wrong (10). Everything else in a batch answer is about the message.
const TEMPORARY_CODES = new Set([10, 405, 412]);
// "Invalid request", "Sender signature not found", "not confirmed": what Postmark answers for a
// From on a domain it no longer verifies. A message from a firm's own address is then sent
// once more from MAIL_FROM's address (fallbackFrom), its Reply-To still the firm's.
const SENDER_REFUSED_CODES = new Set([300, 400, 401]);

export function postmarkOptionsFromConfig(config: Config): PostmarkOptions {
  if (!config.POSTMARK_SERVER_TOKEN) throw new Error('POSTMARK_SERVER_TOKEN is not set');
  return {
    token: config.POSTMARK_SERVER_TOKEN,
    apiUrl: config.POSTMARK_API_URL,
    messageStream: config.POSTMARK_MESSAGE_STREAM,
    defaultFrom: config.MAIL_FROM
  };
}

/**
 * A client for one token and API; each call ends after the timeout (body included), or at once
 * when `signal` aborts (the worker stops).
 */
export function createPostmarkClient(options: PostmarkOptions, signal?: AbortSignal): ServerClient {
  return new ServerClient(
    options.token,
    postmarkClientOptions(options.apiUrl, options.timeoutSeconds ?? 15, signal)
  );
}

/** Where a postmark client (server or account) calls, and when it gives up. */
export function postmarkClientOptions(
  apiUrl: string | undefined,
  timeoutSeconds: number,
  signal?: AbortSignal
) {
  const api = new URL(apiUrl ?? POSTMARK_API_URL);
  return {
    useHttps: api.protocol === 'https:',
    requestHost: (api.host + api.pathname).replace(/\/$/, ''),
    timeout: timeoutSeconds,
    // Not the library's own timeout alone: see deadline-fetch.ts for why.
    fetch: fetchWithDeadline(timeoutSeconds * 1000, signal)
  };
}

/** Sends through Postmark's batch endpoint (500 messages a call), with TrackLinks off. */
export function createPostmarkTransport(options: PostmarkOptions): EmailTransport {
  const toPostmark = ({ id, kind, message: m }: OutgoingEmail): Models.Message => ({
    From: m.from || options.defaultFrom,
    To: m.to,
    ReplyTo: m.replyTo || undefined,
    Subject: m.subject,
    HtmlBody: m.html,
    TextBody: m.text,
    Tag: kind,
    Metadata: { ...m.metadata, outbox_id: String(id) },
    MessageStream: options.messageStream ?? 'outbound',
    TrackOpens: false,
    TrackLinks: 'None' as Models.LinkTrackingOptions
  });

  async function sendOne(client: ServerClient, email: OutgoingEmail): Promise<SendResult> {
    try {
      const answer = await client.sendEmail(toPostmark(email));
      return itemResult(answer);
    } catch (error) {
      return errorResult(error, true);
    }
  }

  async function sendBatch(emails: OutgoingEmail[], signal?: AbortSignal): Promise<SendResult[]> {
    const client = createPostmarkClient(options, signal);
    let answers: Models.MessageSendingResponse[];
    try {
      answers = await client.sendEmailBatch(emails.map(toPostmark));
    } catch (error) {
      // A 422 for the whole batch means one message spoiled it: send each alone so only the
      // bad one fails.
      if (statusOf(error) === 422 && emails.length > 1) {
        // If Postmark stops answering meanwhile, or the worker is stopping, the rest wait for
        // the next try rather than each waiting out its own timeout.
        const results: SendResult[] = [];
        for (const email of emails) {
          const last = results.at(-1);
          if (last?.status === 'retry') results.push(last);
          else if (signal?.aborted) results.push({ status: 'retry', error: 'worker stopping' });
          else results.push(await sendOne(client, email));
        }
        return results;
      }
      return emails.map(() => errorResult(error, emails.length === 1));
    }
    return emails.map((_, i) =>
      answers[i]
        ? itemResult(answers[i])
        : { status: 'retry', error: 'Postmark returned no result for this message' }
    );
  }

  return {
    name: 'postmark',
    maxBatch: 500,
    async send(emails, { signal } = {}) {
      if (emails.length === 0) return [];
      const results = await sendBatch(emails, signal);
      const refused = emails
        .map((email, i) => ({ email, i }))
        .filter(
          ({ email, i }) =>
            email.message.fallbackFrom &&
            results[i].status === 'failed' &&
            SENDER_REFUSED_CODES.has(results[i].code ?? 0)
        );
      if (refused.length === 0 || signal?.aborted) return results;
      const again = await sendBatch(
        refused.map(({ email }) => ({
          ...email,
          message: { ...email.message, from: email.message.fallbackFrom, fallbackFrom: undefined }
        })),
        signal
      );
      refused.forEach(({ i }, k) => (results[i] = again[k]));
      return results;
    }
  };
}

function itemResult(answer: Models.MessageSendingResponse): SendResult {
  if (answer.ErrorCode === 0 && answer.MessageID) {
    return { status: 'sent', messageId: answer.MessageID };
  }
  const error = `Postmark ${answer.ErrorCode}: ${answer.Message}`;
  return TEMPORARY_CODES.has(answer.ErrorCode)
    ? { status: 'retry', error }
    : { status: 'failed', error, code: answer.ErrorCode };
}

function statusOf(error: unknown): number {
  return (error as { statusCode?: number })?.statusCode ?? 0;
}

function errorResult(error: unknown, single: boolean): SendResult {
  const status = statusOf(error);
  const code = (error as { code?: number })?.code ?? 0;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 422 && single && !TEMPORARY_CODES.has(code)) {
    return { status: 'failed', error: `Postmark ${code}: ${message}`, code };
  }
  const what = status ? `HTTP ${status}` : 'no answer';
  return { status: 'retry', error: `Postmark ${what}: ${message}`.slice(0, 500) };
}
