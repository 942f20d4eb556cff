import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getConfig } from '../../../src/lib/server/config';
import { getDatabase, getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { firmCreate } from '../../../scripts/commands/firm-create';
import { unique } from '../../support/factories';
import { latestMailTo, linkPathOf } from '../../support/mail';
import { TestBrowser } from '../../support/server';

async function run(args: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m) => void out.push(String(m)));
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    await firmCreate.run({ args, config: getConfig(), database: getDatabase() });
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out;
}

describe('firm:create', () => {
  it('creates the firm and owner, prints the firm id and mails the owner a sign-in link', async () => {
    const email = `${unique('owner')}@example.test`;
    const name = `Smith & Co ${unique('n')}`;
    const out = await run([
      '--name',
      name,
      '--owner-email',
      email.toUpperCase(),
      '--owner-name',
      'Ann'
    ]);
    const [firm] = await getDb().select().from(s.firm).where(eq(s.firm.name, name));
    expect(out).toEqual([firm.id]);
    expect(firm.replyTo).toBe(email);
    const mail = await latestMailTo(email);
    const done = await new TestBrowser().post(linkPathOf(mail));
    expect(done.location).toBe('/firm');
  });

  it('gives a slug of its own to a second firm of the same name', async () => {
    const name = `Same Name ${unique('n')}`;
    await run([
      '--name',
      name,
      '--owner-email',
      `${unique('a')}@example.test`,
      '--owner-name',
      'A'
    ]);
    await run([
      '--name',
      name,
      '--owner-email',
      `${unique('b')}@example.test`,
      '--owner-name',
      'B'
    ]);
    const slugs = (await getDb().select().from(s.firm).where(eq(s.firm.name, name))).map(
      (f) => f.slug
    );
    expect(new Set(slugs).size).toBe(2);
  });

  it('refuses missing or bad options with a usage line', async () => {
    await expect(
      run(['--name', 'X', '--owner-email', 'nope', '--owner-name', 'A'])
    ).rejects.toThrow(/--owner-email needs a valid address/);
    await expect(run(['--owner-email', 'a@b.co', '--owner-name', 'A'])).rejects.toThrow(
      /--name is required/
    );
  });
});
