import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { defaultBodySizeLimit, parseBodySize, requiredBodySizeLimit } from './http/limits';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` }
  );

/** The defaults of DB_STATEMENT_TIMEOUT and DB_LOCK_TIMEOUT, also db/client.ts's own. */
export const STATEMENT_TIMEOUT_S = 30;
export const LOCK_TIMEOUT_S = 10;

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// adapter-node reads these itself, and some badly: an empty BODY_SIZE_LIMIT refuses every body,
// an empty SHUTDOWN_TIMEOUT or XFF_DEPTH is NaN. So they are checked here, empty included.
const seconds = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'a whole number of seconds')
    .transform(Number)
    .pipe(z.number().max(max));
const count = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'a whole number').transform(Number).pipe(z.number().min(min).max(max));
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name, e.g. X-Forwarded-For');
const bodySize = z
  .string()
  .regex(/^(\d+(\.\d+)?[KMGkmg]?|Infinity)$/, 'a size in bytes, or with K, M or G (e.g. 60M)')
  .transform(parseBodySize);

/** A key in base64url (no padding) of exactly `bytes` bytes. */
const base64url = (bytes: number, what: string) =>
  z
    .string()
    .refine((v) => /^[A-Za-z0-9_-]+$/.test(v) && Buffer.from(v, 'base64url').length === bytes, {
      message: `${what}, base64url (${bytes} bytes)`
    });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  ORIGIN: optional(url(['http:', 'https:'])),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'])),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // PostgreSQL: seconds a request's statement may run, and wait for a lock (0: no limit).
  DB_STATEMENT_TIMEOUT: seconds(3600).default(STATEMENT_TIMEOUT_S),
  DB_LOCK_TIMEOUT: seconds(3600).default(LOCK_TIMEOUT_S),
  POSTMARK_SERVER_TOKEN: optional(z.string().min(1)),
  POSTMARK_MESSAGE_STREAM: z.string().min(1).default('outbound'),
  POSTMARK_API_URL: optional(url(['http:', 'https:'])),
  POSTMARK_WEBHOOK_USER: optional(z.string().min(1)),
  POSTMARK_WEBHOOK_PASSWORD: optional(z.string().min(1)),
  MAIL_TRANSPORT: optional(z.enum(['postmark', 'mailbox'])),
  MAIL_FROM: z.string().min(3).default('Sheaf <sheaf@localhost>'),
  // Domains a firm may send from with its own address: verified at Postmark by the operator.
  SENDER_DOMAINS: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((d) => d.trim().toLowerCase().replace(/\.$/, ''))
          .filter(Boolean)
          // An international name in its DNS form; anything domainToASCII rejects stays as it
          // was, for the check below to name.
          .map((d) => domainToASCII(d) || d)
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/,
              {
                message: 'domain names separated by commas, e.g. ledgerline.com,example.org'
              }
            )
        )
      )
  ),
  // Lets Sheaf ask Postmark whether a firm's domain has DKIM and Return-Path verified.
  POSTMARK_ACCOUNT_TOKEN: optional(z.string().min(1)),
  EMAIL_WORKER: optional(bool),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(2048).default(50),
  S3_BUCKET: optional(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'a bucket name (3-63 lowercase letters, digits, dots, hyphens)'
      )
  ),
  S3_ENDPOINT: optional(url(['http:', 'https:'])),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: optional(bool),
  AWS_ACCESS_KEY_ID: optional(z.string().min(1)),
  AWS_SECRET_ACCESS_KEY: optional(z.string().min(1)),
  AWS_SESSION_TOKEN: optional(z.string().min(1)),
  // adapter-node: its grace for in-flight requests after SIGTERM. Sheaf's own deadline ends the
  // process 8.5 s after the signal (app.ts), and hands back mail and closes the database after
  // the grace: at most 7 leaves that at least 1.5 s.
  SHUTDOWN_TIMEOUT: seconds(7).pipe(z.number().min(1)).default(7),
  BODY_SIZE_LIMIT: bodySize.optional(),
  BODY_IDLE_TIMEOUT: seconds(300).pipe(z.number().min(1)).default(30),
  HEADERS_TIMEOUT: optional(seconds(300)),
  KEEP_ALIVE_TIMEOUT: optional(seconds(3600)),
  IDLE_TIMEOUT: optional(seconds(86400)),
  ADDRESS_HEADER: optional(headerName),
  XFF_DEPTH: count(1, 20).optional(),
  PROTOCOL_HEADER: optional(headerName),
  HOST_HEADER: optional(headerName),
  PORT_HEADER: optional(headerName),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Web Push (VAPID). Unset keys: a pair is made at first start and kept in the database.
  VAPID_PUBLIC_KEY: optional(base64url(65, 'an uncompressed P-256 public key')),
  VAPID_PRIVATE_KEY: optional(base64url(32, 'a P-256 private key')),
  VAPID_SUBJECT: optional(url(['mailto:', 'https:'])),
  // Lets push endpoints on http://127.0.0.1 be saved with NODE_ENV=production (tests only).
  PUSH_ALLOW_LOOPBACK: optional(bool)
});

export type Config = z.infer<typeof schema> & {
  /** Where mail goes: Postmark when a token is set, else the dev mailbox. */
  mailTransport: 'postmark' | 'mailbox';
  dbDriver: 'pglite' | 'postgres';
  /** Where document bytes live: S3 when S3_BUCKET is set, else DATA_DIR/blobs. */
  blobStore: 'filesystem' | 's3';
  emailWorker: boolean;
  origin: string;
  secureCookies: boolean;
  /** The session cookie's name (sessionCookieName): every reader and writer uses this one. */
  sessionCookie: string;
  /** Who push services may contact about this server's pushes (VAPID `sub`). */
  vapidSubject: string;
  /** Push endpoints on http://127.0.0.1 may be saved (outside production, or asked for). */
  pushAllowLoopback: boolean;
};

/**
 * `__Host-sheaf_session` under https: browsers then accept it only with Secure, Path=/ and no
 * Domain, so a sibling subdomain (or a plain-http page) can neither plant nor shadow a session.
 * Plain `sheaf_session` on http (local use), where a Secure cookie could not be set.
 */
export function sessionCookieName(origin: string): string {
  return origin.startsWith('https:') ? '__Host-sheaf_session' : 'sheaf_session';
}

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError with one line naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const shown = env[name] === undefined ? '' : ` (got "${env[name]}")`;
    throw new ConfigError(`Invalid ${name}${shown}: expected ${describeIssue(issue)}`);
  }
  const c = result.data;
  if (c.MAIL_TRANSPORT === 'postmark' && !c.POSTMARK_SERVER_TOKEN) {
    throw new ConfigError('Invalid MAIL_TRANSPORT: "postmark" needs POSTMARK_SERVER_TOKEN');
  }
  if (c.MAIL_TRANSPORT === 'mailbox' && c.POSTMARK_SERVER_TOKEN) {
    throw new ConfigError(
      'Invalid MAIL_TRANSPORT: "mailbox" cannot be used with POSTMARK_SERVER_TOKEN'
    );
  }
  if ((c.S3_ENDPOINT || c.S3_FORCE_PATH_STYLE) && !c.S3_BUCKET) {
    throw new ConfigError('Invalid S3_BUCKET: S3_ENDPOINT and S3_FORCE_PATH_STYLE need a bucket');
  }
  if (Boolean(c.AWS_ACCESS_KEY_ID) !== Boolean(c.AWS_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'Invalid AWS_SECRET_ACCESS_KEY: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither'
    );
  }
  if (
    c.BODY_SIZE_LIMIT !== undefined &&
    c.BODY_SIZE_LIMIT < requiredBodySizeLimit(c.MAX_UPLOAD_MB)
  ) {
    throw new ConfigError(
      `Invalid BODY_SIZE_LIMIT (got "${env.BODY_SIZE_LIMIT}"): expected at least ` +
        `${defaultBodySizeLimit(c.MAX_UPLOAD_MB)}, room for a PDF of MAX_UPLOAD_MB (${c.MAX_UPLOAD_MB} MB)`
    );
  }
  if (Boolean(c.VAPID_PUBLIC_KEY) !== Boolean(c.VAPID_PRIVATE_KEY)) {
    throw new ConfigError(
      'Invalid VAPID_PRIVATE_KEY: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither'
    );
  }
  const origin = (c.ORIGIN ?? `http://localhost:${c.PORT}`).replace(/\/$/, '');
  return {
    ...c,
    mailTransport: c.POSTMARK_SERVER_TOKEN ? 'postmark' : 'mailbox',
    dbDriver: c.DATABASE_URL ? 'postgres' : 'pglite',
    blobStore: c.S3_BUCKET ? 's3' : 'filesystem',
    emailWorker: c.EMAIL_WORKER ?? true,
    origin,
    secureCookies: origin.startsWith('https:'),
    sessionCookie: sessionCookieName(origin),
    vapidSubject: c.VAPID_SUBJECT ?? defaultVapidSubject(origin, c.MAIL_FROM),
    pushAllowLoopback: c.PUSH_ALLOW_LOOPBACK ?? c.NODE_ENV !== 'production'
  };
}

/** The public https origin, else a mailto: of MAIL_FROM's address. */
function defaultVapidSubject(origin: string, mailFrom: string): string {
  if (origin.startsWith('https:')) return origin;
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  return `mailto:${address}`;
}

/**
 * For whatever sends mail (the server, the CLI's worker): in production, mail silently kept in
 * the dev mailbox would reach no client, and the mailbox holds live sign-in links. Refused
 * unless MAIL_TRANSPORT=mailbox asks for it.
 */
export function checkMailTransport(
  config: Pick<Config, 'NODE_ENV' | 'POSTMARK_SERVER_TOKEN' | 'MAIL_TRANSPORT'>
): void {
  if (config.NODE_ENV !== 'production' || config.POSTMARK_SERVER_TOKEN) return;
  if (config.MAIL_TRANSPORT === 'mailbox') return;
  throw new ConfigError(
    'Missing POSTMARK_SERVER_TOKEN: with NODE_ENV=production mail goes through Postmark, so set ' +
      'POSTMARK_SERVER_TOKEN; or set MAIL_TRANSPORT=mailbox to keep every mail in the dev ' +
      'mailbox on purpose (a demo server: /dev/mailbox then answers anyone who reaches it); or ' +
      'NODE_ENV=development to try Sheaf on this machine'
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') return issue.message;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small') return `at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type') return `a ${issue.expected}`;
  return issue.message;
}

let current: Config | undefined;

/** The process's configuration, parsed from process.env on first use. */
export function getConfig(): Config {
  current ??= parseConfig(process.env);
  return current;
}

/** For tests: forget the parsed configuration so the next getConfig() re-reads process.env. */
export function resetConfig(): void {
  current = undefined;
}
