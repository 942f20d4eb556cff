import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { getConfig, type Config } from '../config';
import type { Db } from '../db/client';
import { outbox, outboxMessage } from '../db/schema';
import { outboxPayload, type EmailMessage } from './outbox';
import type { EmailTransport } from './transport';

/**
 * Delivers into the database: the worker marks rows sent with transport 'mailbox', and their
 * deliveries 'delivered' (the mail is in the mailbox; no webhook will ever say so).
 */
export function createMailboxTransport(): EmailTransport {
  return {
    name: 'mailbox',
    maxBatch: 500,
    deliversOnSend: true,
    async send(messages) {
      return messages.map(() => ({
        status: 'sent' as const,
        messageId: `mailbox-${randomUUID()}`
      }));
    }
  };
}

export interface MailboxEntry {
  /** The From header as sent (MAIL_FROM for mail that names no firm). */
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  createdAt: string;
}

/** Mail delivered to the dev mailbox, newest first. */
export async function listMailbox(
  db: Db,
  options: { to?: string | null; limit?: number } = {}
): Promise<MailboxEntry[]> {
  const to = options.to?.trim().toLowerCase();
  const rows = await db
    .select({ payload: outboxPayload, createdAt: outbox.createdAt })
    .from(outbox)
    .leftJoin(outboxMessage, eq(outboxMessage.outboxId, outbox.id))
    .where(
      and(
        eq(outbox.transport, 'mailbox'),
        eq(outbox.status, 'sent'),
        to ? sql`lower(${outboxPayload}->>'to') = ${to}` : undefined
      )
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 500));
  return rows.map(({ payload, createdAt }) => {
    const m = payload as EmailMessage;
    return {
      from: m.from || getConfig().MAIL_FROM,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      links: extractLinks(m.html, m.text),
      createdAt: createdAt.toISOString()
    };
  });
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescapeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|#(\d+));/g, (m, name: string, code?: string) =>
    code ? String.fromCharCode(Number(code)) : (entities[name] ?? m)
  );

/** Every http(s) link in a mail, in order of appearance, each once. */
export function extractLinks(html: string, text: string): string[] {
  const found = [
    ...[...html.matchAll(/href="(https?:[^"]+)"/g)].map((m) => unescapeHtml(m[1])),
    ...[...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0])
  ];
  return [...new Set(found)];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

/**
 * The address of the machine at the other end of the TCP connection. Not getClientAddress():
 * with ADDRESS_HEADER set, that reads the (forwarded) header and throws when it is absent, so a
 * direct request from this machine could never be recognised.
 */
export function socketAddress(event: {
  platform?: Readonly<App.Platform>;
  getClientAddress(): string;
}): string {
  const remote = event.platform?.req?.socket?.remoteAddress;
  if (remote) return remote;
  try {
    return event.getClientAddress();
  } catch {
    return '';
  }
}

/** The host the request was addressed to (its Host header; url.hostname follows ORIGIN). */
export function requestHostname(request: Request): string {
  try {
    return new URL(`http://${request.headers.get('host') ?? ''}`).hostname;
  } catch {
    return '';
  }
}

/**
 * Headers a reverse proxy, load balancer or CDN adds about the client it forwards for. A proxy
 * on this machine connects from loopback, so any one of them means the request came from
 * elsewhere. Not exhaustive by nature: the headers a deployment told adapter-node to read
 * (ADDRESS_HEADER, PROTOCOL_HEADER, HOST_HEADER, PORT_HEADER) count too.
 */
const PROXY_HEADER =
  /^(forwarded|via|x-forwarded-.+|x-original-forwarded-for|x-real-ip|x-client-ip|x-cluster-client-ip|client-ip|true-client-ip|cf-connecting-ip|cf-connecting-ipv6|fastly-client-ip|akamai-edge-ip|x-appengine-user-ip|x-azure-clientip|x-envoy-external-address|x-originating-ip|x-remote-ip|x-remote-addr|x-proxyuser-ip)$/;

type ProxyHeaderConfig = Partial<
  Pick<Config, 'ADDRESS_HEADER' | 'PROTOCOL_HEADER' | 'HOST_HEADER' | 'PORT_HEADER'>
>;

/** True when the request carries any header a proxy sets (see PROXY_HEADER). */
function hasProxyHeader(headers: Headers, config: ProxyHeaderConfig = {}): boolean {
  const configured = [
    config.ADDRESS_HEADER,
    config.PROTOCOL_HEADER,
    config.HOST_HEADER,
    config.PORT_HEADER
  ].map((h) => h?.toLowerCase());
  return [...headers.keys()].some((name) => PROXY_HEADER.test(name) || configured.includes(name));
}

/**
 * The dev mailbox holds live sign-in links, so it exists only when no Postmark token is set,
 * and then only for requests made on this machine (socket and Host say loopback, and no proxy
 * header says otherwise), unless MAIL_TRANSPORT=mailbox opens it on purpose for a demo server.
 */
export function mailboxAvailable(
  config: Pick<Config, 'POSTMARK_SERVER_TOKEN' | 'MAIL_TRANSPORT'> & ProxyHeaderConfig,
  request: { clientAddress: string; hostname: string; headers: Headers }
): boolean {
  if (config.POSTMARK_SERVER_TOKEN) return false;
  if (config.MAIL_TRANSPORT === 'mailbox') return true;
  const hostname = request.hostname.replace(/^\[|\]$/g, '');
  return (
    LOOPBACK.test(request.clientAddress) &&
    LOOPBACK.test(hostname) &&
    !hasProxyHeader(request.headers, config)
  );
}

/** mailboxAvailable for a SvelteKit request: the socket's address and the Host it was sent to. */
export function mailboxAllowedFor(event: {
  request: Request;
  platform?: Readonly<App.Platform>;
  getClientAddress(): string;
}): boolean {
  return mailboxAvailable(getConfig(), {
    clientAddress: socketAddress(event),
    hostname: requestHostname(event.request),
    headers: event.request.headers
  });
}
