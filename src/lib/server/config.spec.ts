import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives working defaults for an empty environment: PGlite and the dev mailbox', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.dbDriver).toBe('pglite');
    expect(c.DATA_DIR).toBe('./data');
    expect(c.mailTransport).toBe('mailbox');
    expect(c.origin).toBe('http://localhost:3000');
    expect(c.secureCookies).toBe(false);
  });

  it('uses PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const c = parseConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' });
    expect(c.dbDriver).toBe('postgres');
  });

  it('names the variable and what is expected in one line', () => {
    expect(() => parseConfig({ DATABASE_URL: 'not-a-url' })).toThrow(ConfigError);
    expect(() => parseConfig({ DATABASE_URL: 'not-a-url' })).toThrow(
      'Invalid DATABASE_URL (got "not-a-url"): expected a URL starting with postgres:// or postgresql://'
    );
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid PORT/);
    expect(() => parseConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(/^Invalid MAIL_TRANSPORT/);
  });

  it('marks cookies secure and sends mail through Postmark when configured', () => {
    const c = parseConfig({ ORIGIN: 'https://portal.example.com/', POSTMARK_SERVER_TOKEN: 't' });
    expect(c.secureCookies).toBe(true);
    expect(c.origin).toBe('https://portal.example.com');
    expect(c.mailTransport).toBe('postmark');
  });

  it('refuses MAIL_TRANSPORT=mailbox with a Postmark token: the open mailbox would hold live links', () => {
    expect(() => parseConfig({ MAIL_TRANSPORT: 'mailbox', POSTMARK_SERVER_TOKEN: 't' })).toThrow(
      /^Invalid MAIL_TRANSPORT: "mailbox" cannot be used with POSTMARK_SERVER_TOKEN/
    );
    expect(parseConfig({ MAIL_TRANSPORT: 'mailbox' }).mailTransport).toBe('mailbox');
    expect(() => parseConfig({ MAIL_TRANSPORT: 'postmark' })).toThrow(
      /needs POSTMARK_SERVER_TOKEN/
    );
  });
});
