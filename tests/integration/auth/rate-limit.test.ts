import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { consumeRateLimit, rateLimitKey } from '../../../src/lib/server/auth/rate-limit';
import { createFirmWithStaff, unique } from '../../support/factories';
import { mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

describe('rate limits (PostgreSQL token buckets)', () => {
  it('never grants more than the bucket holds to concurrent requests', async () => {
    const key = unique('bucket');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        consumeRateLimit(getDb(), key, { capacity: 3, windowSeconds: 3600 })
      )
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.retryAfterSeconds).toBeGreaterThan(1000);
  });

  it('refills with time', async () => {
    const key = unique('bucket');
    const bucket = { capacity: 1, windowSeconds: 60 };
    expect((await consumeRateLimit(getDb(), key, bucket)).ok).toBe(true);
    expect((await consumeRateLimit(getDb(), key, bucket)).ok).toBe(false);
    await getDb().execute(
      sql`update rate_limit set updated_at = now() - interval '61 seconds' where key = ${key}`
    );
    expect((await consumeRateLimit(getDb(), key, bucket)).ok).toBe(true);
  });

  it('allows one sign-in mail a minute and five an hour per address', async () => {
    const { staff } = await createFirmWithStaff();
    const ask = () => new TestBrowser().post('/sign-in', { email: staff.email });
    expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Please wait a moment');
    expect(limited.text).toMatch(/try again in \d+ (seconds?|minute)/);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const minuteKey = rateLimitKey('signin-addr-m', staff.email);
    for (let i = 0; i < 4; i++) {
      await getDb().delete(s.rateLimit).where(eq(s.rateLimit.key, minuteKey));
      expect((await ask()).status).toBe(200);
    }
    await getDb().delete(s.rateLimit).where(eq(s.rateLimit.key, minuteKey));
    const hourly = await ask();
    expect(hourly.status).toBe(429);
    expect(hourly.text).toMatch(/try again in \d+ minutes?/);
    expect(await mailsTo(staff.email)).toHaveLength(5);
  });

  it('limits an unknown address exactly like a known one', async () => {
    const email = `${unique('ghost')}@example.test`;
    expect((await new TestBrowser().post('/sign-in', { email })).status).toBe(200);
    expect((await new TestBrowser().post('/sign-in', { email })).status).toBe(429);
  });

  it('allows 30 sign-in requests an hour per IP', async () => {
    const browser = new TestBrowser();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push(
        (await browser.post('/sign-in', { email: `${unique('ip')}@example.test` })).status
      );
    }
    expect(statuses.slice(0, 30).every((st) => st === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another client is not affected.
    expect(
      (await new TestBrowser().post('/sign-in', { email: `${unique('ip')}@example.test` })).status
    ).toBe(200);
  });

  it('counts a whole IPv6 /64 as one client, and IPv4-mapped IPv6 as its IPv4 address', async () => {
    const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
    const net = `2001:db8:${hex()}:${hex()}`;
    const v4 = `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const ask = (ip: string) =>
      new TestBrowser()
        .post('/sign-in', { email: `${unique('ip')}@example.test` }, { 'x-forwarded-for': ip })
        .then((r) => r.status);
    // 30 requests from 30 addresses of one /64: the limit of one client.
    const sixes = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(`${net}::${i + 1}`)));
    expect(sixes.every((st) => st === 200)).toBe(true);
    expect(await ask(`${net}:ffff:ffff:ffff:fffe`)).toBe(429);
    expect(await ask(`2001:db8:${hex()}:${hex()}::1`)).toBe(200);
    // One IPv4 client, written both ways.
    const fours = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ask(i % 2 ? v4 : `::ffff:${v4}`))
    );
    expect(fours.every((st) => st === 200)).toBe(true);
    expect(await ask(`::ffff:${v4}`)).toBe(429);
    expect(await ask(v4)).toBe(429);
  });

  it('keeps no address in clear in its keys', async () => {
    const { staff } = await createFirmWithStaff();
    await new TestBrowser().post('/sign-in', { email: staff.email });
    const rows = await getDb().select().from(s.rateLimit);
    expect(rows.some((r) => r.key.includes(staff.email))).toBe(false);
  });
});
