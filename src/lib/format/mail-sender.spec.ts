import { describe, expect, it } from 'vitest';
import {
  addressDomain,
  formatMailbox,
  parseMailbox,
  senderDisplayName,
  senderNameProblem,
  senderPreview
} from './mail-sender';

describe('senderDisplayName', () => {
  it('is the firm name "via Sheaf" unless the firm set one', () => {
    expect(senderDisplayName('Ledgerline Bookkeeping', null)).toBe(
      'Ledgerline Bookkeeping via Sheaf'
    );
    expect(senderDisplayName('Ledgerline Bookkeeping', '  ')).toBe(
      'Ledgerline Bookkeeping via Sheaf'
    );
    expect(senderDisplayName('Ledgerline', 'Ledgerline Clients')).toBe('Ledgerline Clients');
  });

  it('folds a firm name with a line break to one line', () => {
    expect(senderDisplayName('Evil\r\nBcc: x@y.test', null)).toBe('Evil Bcc: x@y.test via Sheaf');
  });
});

describe('senderNameProblem', () => {
  it('takes quotes, commas, ampersands and accents', () => {
    expect(senderNameProblem('Müller & Söhne, Steuerberatung "Nord"')).toBeNull();
  });

  it('refuses line breaks, angle brackets, backslashes and long names', () => {
    expect(senderNameProblem('a\r\nBcc: x@y.test')).toMatch(/one line/);
    expect(senderNameProblem('a\nb')).toMatch(/one line/);
    expect(senderNameProblem('Ann <ann@x.test>')).toMatch(/< >/);
    expect(senderNameProblem('a\\b')).toMatch(/< >/);
    expect(senderNameProblem('x'.repeat(81))).toMatch(/80/);
    expect(senderNameProblem('x'.repeat(80))).toBeNull();
  });
});

describe('formatMailbox', () => {
  it('quotes the display name', () => {
    expect(formatMailbox('Ledgerline Bookkeeping via Sheaf', 'notify@sheaf.test')).toBe(
      '"Ledgerline Bookkeeping via Sheaf" <notify@sheaf.test>'
    );
  });

  it('keeps commas and non-ASCII inside the quotes, and escapes quotes and backslashes', () => {
    expect(formatMailbox('Müller & Söhne, Steuerberatung', 'a@b.test')).toBe(
      '"Müller & Söhne, Steuerberatung" <a@b.test>'
    );
    expect(formatMailbox('The "Best" \\ Books', 'a@b.test')).toBe(
      '"The \\"Best\\" \\\\ Books" <a@b.test>'
    );
  });

  it('never lets a name start another header', () => {
    const header = formatMailbox('Evil\r\nBcc: victim@x.test\u2028', 'a@b.test');
    expect(header).not.toMatch(/[\r\n\u2028]/);
    expect(header).toBe('"Evil Bcc: victim@x.test" <a@b.test>');
  });

  it('refuses an address that is not a plain addr-spec', () => {
    expect(() => formatMailbox('x', 'a@b.test\r\nBcc: c@d.test')).toThrow();
    expect(() => formatMailbox('x', 'a@b.test>, <c@d.test')).toThrow();
    expect(() => formatMailbox('x', 'nobody')).toThrow();
  });

  it('round-trips through parseMailbox', () => {
    for (const name of ['Plain', 'Müller & Söhne, Steuerberatung', 'The "Best" \\ Books']) {
      expect(parseMailbox(formatMailbox(name, 'a@b.test'))).toEqual({ name, address: 'a@b.test' });
    }
  });
});

describe('parseMailbox', () => {
  it('reads MAIL_FROM in each form', () => {
    expect(parseMailbox('Sheaf <sheaf@localhost>')).toEqual({
      name: 'Sheaf',
      address: 'sheaf@localhost'
    });
    expect(parseMailbox('"Sheaf, Inc." <n@sheaf.test>')).toEqual({
      name: 'Sheaf, Inc.',
      address: 'n@sheaf.test'
    });
    expect(parseMailbox(' n@sheaf.test ')).toEqual({ name: '', address: 'n@sheaf.test' });
  });
});

describe('addressDomain', () => {
  it('is the lower-cased domain', () => {
    expect(addressDomain('Office@LedgerLine.COM')).toBe('ledgerline.com');
    expect(addressDomain('nobody')).toBe('');
  });
});

describe('senderPreview', () => {
  const base = { firmName: 'Ledgerline Bookkeeping', defaultAddress: 'notify@sheaf.test' };
  it('shows the default name and address until others are typed', () => {
    expect(senderPreview({ ...base, senderName: '', fromEmail: '' })).toBe(
      'Ledgerline Bookkeeping via Sheaf <notify@sheaf.test>'
    );
    expect(senderPreview({ ...base, senderName: 'Ledgerline', fromEmail: 'half@' })).toBe(
      'Ledgerline <notify@sheaf.test>'
    );
    expect(
      senderPreview({ ...base, senderName: 'Ledgerline', fromEmail: 'Clients@Ledgerline.com ' })
    ).toBe('Ledgerline <clients@ledgerline.com>');
  });
});
