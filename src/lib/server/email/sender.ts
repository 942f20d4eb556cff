// Who a firm's mail comes from: its name on the From line, its own address where its domain is
// verified, and its Reply-To. Mail that names no firm keeps MAIL_FROM as it is.
import { domainToASCII } from 'node:url';
import {
  addressDomain,
  formatMailbox,
  parseMailbox,
  senderDisplayName
} from '../../format/mail-sender';
import { getConfig, type Config } from '../config';
import type { Firm } from '../db/schema';
import type { EmailMessage } from './outbox';

type SenderConfig = Pick<Config, 'MAIL_FROM' | 'SENDER_DOMAINS' | 'POSTMARK_ACCOUNT_TOKEN'>;

/** The instance's own sending address (MAIL_FROM's). */
export function defaultSenderAddress(config: Pick<Config, 'MAIL_FROM'> = getConfig()): string {
  return parseMailbox(config.MAIL_FROM).address;
}

/** A domain as DNS has it: lower case, no trailing dot, an international name in punycode. */
export function asciiDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  return domainToASCII(d) || d;
}

/** True when SENDER_DOMAINS lists the domain (exactly, any case, either form of an IDN). */
export function listedSenderDomain(domain: string, config: Pick<Config, 'SENDER_DOMAINS'>) {
  const d = asciiDomain(domain);
  return !!d && (config.SENDER_DOMAINS ?? []).some((listed) => asciiDomain(listed) === d);
}

/**
 * Whether mail may go from the firm's own address now. Its domain was verified when the address
 * was saved; an operator who takes the domain off SENDER_DOMAINS (with no account token to ask
 * Postmark) stops that at once. With a token, Postmark has the last word: a refusal at send
 * time sends the message again from the default address (see postmark.ts).
 */
function ownAddressUsable(address: string, config: SenderConfig): boolean {
  return listedSenderDomain(addressDomain(address), config) || !!config.POSTMARK_ACCOUNT_TOKEN;
}

export type FirmEnvelope = Pick<EmailMessage, 'from' | 'fallbackFrom' | 'replyTo' | 'firmId'>;

/**
 * The From, Reply-To and firm of a mail sent on the firm's behalf: `"<sender name>" <address>`,
 * the address being the firm's own when usable, else MAIL_FROM's. Replies go to the firm's
 * Reply-To, else its own address.
 */
export function firmEnvelope(
  f: Pick<Firm, 'id' | 'name' | 'senderName' | 'fromEmail' | 'replyTo'>,
  config: SenderConfig = getConfig()
): FirmEnvelope {
  const name = senderDisplayName(f.name, f.senderName);
  const fallback = formatMailbox(name, defaultSenderAddress(config));
  const own = f.fromEmail && ownAddressUsable(f.fromEmail, config) ? f.fromEmail : null;
  return {
    from: own ? formatMailbox(name, own) : fallback,
    fallbackFrom: own ? fallback : undefined,
    replyTo: f.replyTo ?? f.fromEmail ?? null,
    firmId: f.id
  };
}
