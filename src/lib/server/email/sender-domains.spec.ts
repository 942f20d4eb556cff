import { describe, expect, it } from 'vitest';
import { checkSenderDomain, senderDomainLabel, senderDomainRefusal } from './sender-domains';

const config = (domains: string[] | undefined, token?: string) => ({
  SENDER_DOMAINS: domains,
  POSTMARK_ACCOUNT_TOKEN: token,
  POSTMARK_API_URL: undefined
});

describe('checkSenderDomain without Postmark', () => {
  it('matches SENDER_DOMAINS exactly, in any case', async () => {
    const c = config(['ledgerline.com']);
    expect(await checkSenderDomain('ledgerline.com', c)).toEqual({
      state: 'verified',
      via: 'list'
    });
    expect(await checkSenderDomain('LedgerLine.COM', c)).toMatchObject({ state: 'verified' });
    expect(await checkSenderDomain('mail.ledgerline.com', c)).toEqual({ state: 'unlisted' });
    expect(await checkSenderDomain('ledgerline.com.evil.test', c)).toEqual({ state: 'unlisted' });
    expect(await checkSenderDomain('evilledgerline.com', c)).toEqual({ state: 'unlisted' });
    expect(await checkSenderDomain('ledgerline.com', config(undefined))).toEqual({
      state: 'unlisted'
    });
  });
});

describe('senderDomainRefusal', () => {
  it('names the reason', () => {
    expect(senderDomainRefusal('a.test', { state: 'verified', via: 'list' })).toBeNull();
    expect(senderDomainRefusal('a.test', { state: 'pending', dkim: true, returnPath: false })).toBe(
      "a.test isn't verified for sending: DKIM is not verified at Postmark."
    );
    expect(
      senderDomainRefusal('a.test', { state: 'pending', dkim: false, returnPath: true })
    ).toMatch(/Return-Path is not verified/);
    expect(senderDomainRefusal('a.test', { state: 'unlisted' })).toBe(
      "a.test isn't on this Sheaf's list of verified domains (ask your administrator)."
    );
    expect(
      senderDomainRefusal('a.test', { state: 'unknown', detail: 'Postmark could not be reached' })
    ).toMatch(/could not be checked: Postmark could not be reached\. Nothing was changed/);
  });
});

describe('senderDomainLabel', () => {
  it('says which records are pending', () => {
    expect(senderDomainLabel({ state: 'pending', dkim: true, returnPath: true })).toEqual({
      label: 'DKIM and Return-Path pending at Postmark',
      tone: 'warn'
    });
    expect(senderDomainLabel({ state: 'verified', via: 'list' }).tone).toBe('ok');
  });
});
