import { isIPv4, isIPv6 } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { hashToken } from './token';
import { baseLocale, type Locale } from '../../i18n/locale';

export interface Bucket {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Seconds for an empty bucket to refill completely. */
  windowSeconds: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;

/** The limits of DESIGN.md "Rate limits", one bucket each. */
export const LIMITS = {
  signInAddressMinute: { capacity: 1, windowSeconds: MINUTE },
  signInAddressHour: { capacity: 5, windowSeconds: HOUR },
  signInIp: { capacity: 30, windowSeconds: HOUR },
  /** Sign-in mails sent in one firm's name, whoever asks and from wherever. */
  signInFirm: { capacity: 200, windowSeconds: HOUR },
  codeAttemptsBrowser: { capacity: 5, windowSeconds: 15 * MINUTE },
  codeAttemptsIp: { capacity: 30, windowSeconds: HOUR },
  /** Code tries on one address's links, across links, browsers and IPs (two links' worth). */
  codeAttemptsAddress: { capacity: 10, windowSeconds: DAY },
  newLinkToken: { capacity: 2, windowSeconds: HOUR },
  newLinkIp: { capacity: 20, windowSeconds: HOUR },
  /** Passkey sign-in challenges: the sign-in page asks for one on each visit (autofill). */
  passkeyOptionsIp: { capacity: 120, windowSeconds: HOUR },
  /** Passkey sign-in answers checked, per IP, as the email sign-in form. */
  passkeySignInIp: { capacity: 30, windowSeconds: HOUR },
  /** A signed-in user's passkey registrations and step-ups. */
  passkeyUser: { capacity: 20, windowSeconds: HOUR }
} satisfies Record<string, Bucket>;

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys never hold an address or a token in clear. */
export function rateLimitKey(scope: string, value: string): string {
  return `${scope}:${hashToken(value.toLowerCase()).slice(0, 32)}`;
}

/**
 * What a client address is limited as: IPv4 as it is (IPv4-mapped IPv6 too, as a dual-stack
 * socket reports it), IPv6 by its /64, since one subscriber usually holds a whole /64 and could
 * otherwise take a fresh bucket per address. Anything else as it is; no address is "unknown".
 */
export function rateLimitNetwork(ip: string | null): string {
  let address = (ip ?? '').trim().toLowerCase();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  address = address.replace(/%.*$/, '');
  if (!address) return 'unknown';
  if (isIPv4(address) || !isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing IPv4 read). */
function ipv6Groups(address: string): number[] {
  const v4 = address.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  const text = v4
    ? address.slice(0, v4.index) +
      `${((+v4[1] << 8) | +v4[2]).toString(16)}:${((+v4[3] << 8) | +v4[4]).toString(16)}`
    : address;
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((g) => parseInt(g, 16)) : [];
  const start = parse(head);
  const end = parse(tail);
  if (tail === undefined) return start;
  return [...start, ...Array<number>(8 - start.length - end.length).fill(0), ...end];
}

/** A per-IP bucket's key: one bucket per IPv4 address or IPv6 /64. */
export function ipRateLimitKey(scope: string, ip: string | null): string {
  return rateLimitKey(scope, rateLimitNetwork(ip));
}

const CODE_ADDRESS = 'code-addr';

/** The bucket of code tries on one address's sign-in links (LIMITS.codeAttemptsAddress). */
export function codeAddressKey(email: string): string {
  return rateLimitKey(CODE_ADDRESS, email);
}

/**
 * The hashed part of codeAddressKey, carried in the binding cookie of the browser that asked for
 * that address: when no link is found for the browser (an address without access), its tries
 * count against the same bucket, so the cap answers alike whether or not the address has access.
 */
export function codeAddressTag(email: string): string {
  return codeAddressKey(email).slice(CODE_ADDRESS.length + 1);
}

export function codeAddressKeyOfTag(tag: string): string {
  return `${CODE_ADDRESS}:${tag}`;
}

/**
 * Takes one token from the bucket `key`, refilled continuously at capacity/window per second.
 * The decision is one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement, so concurrent
 * requests on any number of app instances never take more tokens than the bucket holds: the
 * row lock serialises them and a refused request changes nothing (the refill is lazy).
 */
export async function consumeRateLimit(
  db: Db,
  key: string,
  bucket: Bucket
): Promise<RateLimitResult> {
  const rate = bucket.capacity / bucket.windowSeconds;
  const refilled = sql`least(${bucket.capacity}::real, rate_limit.tokens + greatest(0, extract(epoch from (now() - rate_limit.updated_at)))::real * ${rate}::real)`;
  const taken = await db.execute(sql`
    insert into rate_limit (key, tokens, updated_at)
    values (${key}, ${bucket.capacity - 1}::real, now())
    on conflict (key) do update
      set tokens = ${refilled} - 1, updated_at = now()
      where ${refilled} >= 1
    returning tokens`);
  if (rowsOf(taken).length > 0) return { ok: true };
  const rows = rowsOf(
    await db.execute(sql`
      select tokens, extract(epoch from (now() - updated_at))::real as age
      from rate_limit where key = ${key}`)
  ) as { tokens: number; age: number }[];
  const tokens = Math.min(
    bucket.capacity,
    Number(rows[0]?.tokens ?? 0) + Number(rows[0]?.age ?? 0) * rate
  );
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) };
}

/** Consumes from every bucket in order; the first refusal wins. */
export async function consumeRateLimits(
  db: Db,
  checks: [key: string, bucket: Bucket][]
): Promise<RateLimitResult> {
  for (const [key, bucket] of checks) {
    const result = await consumeRateLimit(db, key, bucket);
    if (!result.ok) return result;
  }
  return { ok: true };
}

/** "in 42 seconds", "in 12 minutes", "in 1 hour"; "dentro de 12 minutos" in Spanish. */
export function describeWait(seconds: number, locale: Locale = baseLocale): string {
  const words = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (seconds < 60) return words.format(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return words.format(minutes, 'minute');
  return words.format(Math.ceil(minutes / 60), 'hour');
}
