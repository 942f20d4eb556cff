import { describe, expect, it } from 'vitest';
import { firmEnvelope, listedSenderDomain } from './sender';

const firm = {
  id: 'f1',
  name: 'Müller & Söhne, Steuerberatung',
  senderName: null,
  fromEmail: null,
  replyTo: 'office@mueller.test'
};
const config = (domains?: string[], token?: string) => ({
  MAIL_FROM: 'Sheaf <notify@sheaf.test>',
  SENDER_DOMAINS: domains,
  POSTMARK_ACCOUNT_TOKEN: token
});

describe('firmEnvelope', () => {
  it('sends as "<firm> via Sheaf" from the instance address, replies to the firm', () => {
    expect(firmEnvelope(firm, config())).toEqual({
      from: '"Müller & Söhne, Steuerberatung via Sheaf" <notify@sheaf.test>',
      fallbackFrom: undefined,
      replyTo: 'office@mueller.test',
      firmId: 'f1'
    });
  });

  it("uses the firm's sender name", () => {
    expect(firmEnvelope({ ...firm, senderName: 'Müller "Nord"' }, config()).from).toBe(
      '"Müller \\"Nord\\"" <notify@sheaf.test>'
    );
  });

  it('sends from the own address while its domain is listed, else from the default', () => {
    const own = { ...firm, fromEmail: 'clients@mueller.test', replyTo: null };
    expect(firmEnvelope(own, config(['mueller.test']))).toEqual({
      from: '"Müller & Söhne, Steuerberatung via Sheaf" <clients@mueller.test>',
      fallbackFrom: '"Müller & Söhne, Steuerberatung via Sheaf" <notify@sheaf.test>',
      replyTo: 'clients@mueller.test',
      firmId: 'f1'
    });
    // Taken off the list: the default address, replies still to the firm.
    expect(firmEnvelope(own, config(['other.test']))).toMatchObject({
      from: '"Müller & Söhne, Steuerberatung via Sheaf" <notify@sheaf.test>',
      fallbackFrom: undefined,
      replyTo: 'clients@mueller.test'
    });
    // With an account token Postmark decides at send time, with the default as the fallback.
    expect(firmEnvelope(own, config(undefined, 'tok'))).toMatchObject({
      from: '"Müller & Söhne, Steuerberatung via Sheaf" <clients@mueller.test>',
      fallbackFrom: '"Müller & Söhne, Steuerberatung via Sheaf" <notify@sheaf.test>'
    });
  });

  it('keeps a firm name with a line break on one header line', () => {
    const from = firmEnvelope({ ...firm, name: 'A\r\nBcc: x@y.test' }, config()).from!;
    expect(from).not.toMatch(/[\r\n]/);
  });
});

describe('listedSenderDomain', () => {
  it('is an exact, case-blind match', () => {
    const c = { SENDER_DOMAINS: ['ledgerline.com'] };
    expect(listedSenderDomain('LEDGERLINE.com.', c)).toBe(true);
    expect(listedSenderDomain('sub.ledgerline.com', c)).toBe(false);
    expect(listedSenderDomain('', c)).toBe(false);
    // An international domain matches in either form.
    expect(listedSenderDomain('müller.de', { SENDER_DOMAINS: ['xn--mller-kva.de'] })).toBe(true);
    expect(listedSenderDomain('xn--mller-kva.de', { SENDER_DOMAINS: ['müller.de'] })).toBe(true);
  });
});
