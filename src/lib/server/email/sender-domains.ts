// Whether a firm may send from an address on its own domain. Mail from a domain nobody verified
// is spoofing and lands in spam (or is refused by Postmark): so an operator lists the domains
// verified at Postmark (SENDER_DOMAINS), or gives Sheaf an account token to ask Postmark itself.
import { AccountClient } from 'postmark';
import type { Config } from '../config';
import { asciiDomain, listedSenderDomain } from './sender';
import { postmarkClientOptions } from './postmark';

export type SenderDomainStatus =
  | { state: 'verified'; via: 'list' | 'postmark' }
  /** At Postmark, not (yet) verified: which of its records are pending. */
  | { state: 'pending'; dkim: boolean; returnPath: boolean }
  /** Postmark's account has no such domain. */
  | { state: 'not_at_postmark' }
  /** Not on SENDER_DOMAINS, and no account token to ask Postmark. */
  | { state: 'unlisted' }
  /** Postmark could not be asked (no answer, or the token refused): nothing is known. */
  | { state: 'unknown'; detail: string };

type DomainConfig = Pick<Config, 'SENDER_DOMAINS' | 'POSTMARK_ACCOUNT_TOKEN' | 'POSTMARK_API_URL'>;

/** Seconds one call to Postmark may take: a settings page waits on it. */
const CHECK_TIMEOUT_S = 4;
const PAGE = 500;

/**
 * The domain's status: listed in SENDER_DOMAINS, else as Postmark's Domains API reports it
 * (DKIM and Return-Path both verified) when POSTMARK_ACCOUNT_TOKEN is set. Never throws.
 */
export async function checkSenderDomain(
  domain: string,
  config: DomainConfig
): Promise<SenderDomainStatus> {
  if (listedSenderDomain(domain, config)) return { state: 'verified', via: 'list' };
  if (!config.POSTMARK_ACCOUNT_TOKEN) return { state: 'unlisted' };
  const client = new AccountClient(
    config.POSTMARK_ACCOUNT_TOKEN,
    postmarkClientOptions(config.POSTMARK_API_URL, CHECK_TIMEOUT_S)
  );
  const wanted = asciiDomain(domain);
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.getDomains({ count: PAGE, offset });
      const found = page.Domains.find((d) => asciiDomain(d.Name) === wanted);
      if (found) {
        const details = await client.getDomain(found.ID);
        const dkim = !details.DKIMVerified;
        const returnPath = !details.ReturnPathDomainVerified;
        return dkim || returnPath
          ? { state: 'pending', dkim, returnPath }
          : { state: 'verified', via: 'postmark' };
      }
      if (page.Domains.length < PAGE || offset + PAGE >= page.TotalCount) {
        return { state: 'not_at_postmark' };
      }
    }
  } catch (error) {
    const status = (error as { statusCode?: number })?.statusCode;
    const detail = status
      ? `Postmark answered ${status}${status === 401 ? ' (check POSTMARK_ACCOUNT_TOKEN)' : ''}`
      : 'Postmark could not be reached';
    console.warn(`[sender] checking ${domain} at Postmark: ${detail}: ${String(error)}`);
    return { state: 'unknown', detail };
  }
}

/** Why mail may not come from this domain, in words for the owner; null when it may. */
export function senderDomainRefusal(domain: string, status: SenderDomainStatus): string | null {
  const cannot = `${domain} isn't verified for sending`;
  switch (status.state) {
    case 'verified':
      return null;
    case 'pending': {
      const what =
        status.dkim && status.returnPath
          ? 'DKIM and Return-Path are'
          : status.dkim
            ? 'DKIM is'
            : 'Return-Path is';
      return `${cannot}: ${what} not verified at Postmark.`;
    }
    case 'not_at_postmark':
      return `${cannot}: it isn't a domain of this Sheaf's Postmark account (ask your administrator).`;
    case 'unlisted':
      return `${domain} isn't on this Sheaf's list of verified domains (ask your administrator).`;
    case 'unknown':
      return `${domain} could not be checked: ${status.detail}. Nothing was changed; try again in a minute.`;
  }
}

/** The status in a few words for the settings page, and how it should look. */
export function senderDomainLabel(status: SenderDomainStatus): {
  label: string;
  tone: 'ok' | 'warn' | 'bad';
} {
  switch (status.state) {
    case 'verified':
      return {
        label: status.via === 'list' ? 'Verified' : 'Verified at Postmark (DKIM and Return-Path)',
        tone: 'ok'
      };
    case 'pending': {
      const what = [status.dkim && 'DKIM', status.returnPath && 'Return-Path'].filter(Boolean);
      return { label: `${what.join(' and ')} pending at Postmark`, tone: 'warn' };
    }
    case 'not_at_postmark':
      return { label: 'Not set up at Postmark', tone: 'bad' };
    case 'unlisted':
      return { label: 'Not on this Sheaf’s list of verified domains', tone: 'bad' };
    case 'unknown':
      return { label: `Unknown: ${status.detail}`, tone: 'warn' };
  }
}
