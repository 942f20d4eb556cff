import { describe, expect, it } from 'vitest';
import { checkMailTransport, ConfigError, parseConfig } from './config';

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

  it('reads SENDER_DOMAINS as lower-case domains and refuses anything else', () => {
    expect(
      parseConfig({ SENDER_DOMAINS: ' LedgerLine.com, mail.example.org. ,' }).SENDER_DOMAINS
    ).toEqual(['ledgerline.com', 'mail.example.org']);
    expect(parseConfig({}).SENDER_DOMAINS).toBeUndefined();
    expect(parseConfig({ SENDER_DOMAINS: 'Müller.de' }).SENDER_DOMAINS).toEqual([
      'xn--mller-kva.de'
    ]);
    for (const bad of ['ledgerline', '*.example.com', 'a@b.com', 'exa mple.com']) {
      expect(() => parseConfig({ SENDER_DOMAINS: bad })).toThrow(
        /^Invalid SENDER_DOMAINS .*: expected domain names separated by commas/
      );
    }
  });

  it('marks cookies secure and sends mail through Postmark when configured', () => {
    const c = parseConfig({ ORIGIN: 'https://portal.example.com/', POSTMARK_SERVER_TOKEN: 't' });
    expect(c.secureCookies).toBe(true);
    expect(c.origin).toBe('https://portal.example.com');
    expect(c.mailTransport).toBe('postmark');
  });

  it('names the session cookie __Host-sheaf_session under https, sheaf_session on plain http', () => {
    expect(parseConfig({ ORIGIN: 'https://portal.example.com' }).sessionCookie).toBe(
      '__Host-sheaf_session'
    );
    expect(parseConfig({}).sessionCookie).toBe('sheaf_session');
    expect(parseConfig({ ORIGIN: 'http://192.168.1.5:3000' }).sessionCookie).toBe('sheaf_session');
  });

  it('refuses production without a Postmark token unless MAIL_TRANSPORT=mailbox says so', () => {
    const refusal =
      /^Missing POSTMARK_SERVER_TOKEN: .*set POSTMARK_SERVER_TOKEN.*MAIL_TRANSPORT=mailbox.*NODE_ENV=development/;
    // NODE_ENV defaults to production: `node build` as the Dockerfile and systemd run it.
    expect(() => checkMailTransport(parseConfig({}))).toThrow(ConfigError);
    expect(() => checkMailTransport(parseConfig({}))).toThrow(refusal);
    expect(() => checkMailTransport(parseConfig({ NODE_ENV: 'production' }))).toThrow(refusal);
    const fine = [
      { NODE_ENV: 'production', POSTMARK_SERVER_TOKEN: 't' },
      { NODE_ENV: 'production', MAIL_TRANSPORT: 'mailbox' },
      { NODE_ENV: 'development' },
      { NODE_ENV: 'test' }
    ];
    for (const env of fine)
      expect(() => checkMailTransport(parseConfig(env)), env.NODE_ENV).not.toThrow();
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

  it("checks adapter-node's variables too, each in one line naming it", () => {
    const bad: Record<string, string> = {
      BODY_SIZE_LIMIT: 'lots',
      SHUTDOWN_TIMEOUT: '3600',
      HEADERS_TIMEOUT: 'ten',
      KEEP_ALIVE_TIMEOUT: '-1',
      IDLE_TIMEOUT: '1.5',
      XFF_DEPTH: '0',
      ADDRESS_HEADER: 'X Forwarded For',
      PROTOCOL_HEADER: 'x-forwarded-proto:',
      BODY_IDLE_TIMEOUT: '0'
    };
    for (const [name, value] of Object.entries(bad)) {
      let message = '';
      try {
        parseConfig({ [name]: value });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toMatch(
        new RegExp(
          `^Invalid ${name} \\(got "${value.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}"\\): expected `
        )
      );
      expect(message.split('\n')).toHaveLength(1);
    }
    // Empty is no value for these: adapter-node would read it as 0 (refusing every body) or NaN.
    expect(() => parseConfig({ BODY_SIZE_LIMIT: '' })).toThrow(/^Invalid BODY_SIZE_LIMIT/);
    expect(() => parseConfig({ SHUTDOWN_TIMEOUT: '' })).toThrow(/^Invalid SHUTDOWN_TIMEOUT/);
    expect(() => parseConfig({ XFF_DEPTH: '' })).toThrow(/^Invalid XFF_DEPTH/);
  });

  it('accepts adapter-node values as it reads them', () => {
    const c = parseConfig({
      BODY_SIZE_LIMIT: '60m',
      SHUTDOWN_TIMEOUT: '5',
      HEADERS_TIMEOUT: '10',
      KEEP_ALIVE_TIMEOUT: '5',
      IDLE_TIMEOUT: '0',
      XFF_DEPTH: '2',
      ADDRESS_HEADER: 'X-Forwarded-For'
    });
    expect(c.BODY_SIZE_LIMIT).toBe(60 * 1024 * 1024);
    expect(c.SHUTDOWN_TIMEOUT).toBe(5);
    expect(c.XFF_DEPTH).toBe(2);
    expect(parseConfig({ BODY_SIZE_LIMIT: 'Infinity' }).BODY_SIZE_LIMIT).toBe(Infinity);
    expect(parseConfig({}).SHUTDOWN_TIMEOUT).toBe(7);
  });

  it('keeps SHUTDOWN_TIMEOUT within the 10-second stop', () => {
    expect(parseConfig({ SHUTDOWN_TIMEOUT: '7' }).SHUTDOWN_TIMEOUT).toBe(7);
    expect(() => parseConfig({ SHUTDOWN_TIMEOUT: '8' })).toThrow(
      'Invalid SHUTDOWN_TIMEOUT (got "8"): expected at most 7'
    );
  });

  it('refuses a BODY_SIZE_LIMIT too small for a PDF of MAX_UPLOAD_MB', () => {
    expect(() => parseConfig({ BODY_SIZE_LIMIT: '512K' })).toThrow(
      'Invalid BODY_SIZE_LIMIT (got "512K"): expected at least 51M, room for a PDF of MAX_UPLOAD_MB (50 MB)'
    );
    expect(() => parseConfig({ MAX_UPLOAD_MB: '100', BODY_SIZE_LIMIT: '60M' })).toThrow(
      /^Invalid BODY_SIZE_LIMIT \(got "60M"\): expected at least 101M/
    );
    expect(parseConfig({ MAX_UPLOAD_MB: '100', BODY_SIZE_LIMIT: '101M' }).BODY_SIZE_LIMIT).toBe(
      101 * 1024 * 1024
    );
  });

  it('checks the VAPID keys and picks a subject from ORIGIN or MAIL_FROM', () => {
    const pub = Buffer.alloc(65, 4).toString('base64url');
    const priv = Buffer.alloc(32, 7).toString('base64url');
    const keys = parseConfig({ VAPID_PUBLIC_KEY: pub, VAPID_PRIVATE_KEY: priv });
    expect(keys.VAPID_PUBLIC_KEY).toBe(pub);
    expect(keys.vapidSubject).toBe('mailto:sheaf@localhost');
    expect(parseConfig({ ORIGIN: 'https://portal.example.com/' }).vapidSubject).toBe(
      'https://portal.example.com'
    );
    expect(parseConfig({ VAPID_SUBJECT: 'mailto:ops@example.com' }).vapidSubject).toBe(
      'mailto:ops@example.com'
    );
    expect(() => parseConfig({ VAPID_PUBLIC_KEY: pub })).toThrow(
      'Invalid VAPID_PRIVATE_KEY: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither'
    );
    expect(() => parseConfig({ VAPID_PUBLIC_KEY: 'abc', VAPID_PRIVATE_KEY: priv })).toThrow(
      'Invalid VAPID_PUBLIC_KEY (got "abc"): expected an uncompressed P-256 public key, base64url (65 bytes)'
    );
    expect(() => parseConfig({ VAPID_SUBJECT: 'http://example.com' })).toThrow(
      /^Invalid VAPID_SUBJECT/
    );
  });

  it('lets push endpoints on loopback be saved only outside production unless asked', () => {
    expect(parseConfig({}).pushAllowLoopback).toBe(false);
    expect(parseConfig({ NODE_ENV: 'development' }).pushAllowLoopback).toBe(true);
    expect(parseConfig({ PUSH_ALLOW_LOOPBACK: 'true' }).pushAllowLoopback).toBe(true);
  });
});
