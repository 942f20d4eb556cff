import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientsImport } from '../../../scripts/commands/clients-import';
import { firmCreate } from '../../../scripts/commands/firm-create';
import { getConfig } from '../../../src/lib/server/config';
import { getDatabase, getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { createFirm, unique } from '../../support/factories';
import { latestMailTo } from '../../support/mail';

const run = (args: string[]) =>
  clientsImport.run({ args, config: getConfig(), database: getDatabase() });

describe('clients:import', () => {
  afterEach(() => vi.restoreAllMocks());

  it('imports a CSV for the firm, reports row errors, and is idempotent', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const firm = await createFirm();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'csv-')), 'clients.csv');
    writeFileSync(
      file,
      'client name,code,contact name,email,role\nMaple,MAPLE,Mo,mo@maple.test,approver\nMaple,MAPLE,X,broken,viewer\n'
    );
    expect(await run([file, '--firm', firm.slug, '--no-invite'])).toBe(2);
    expect(err).toHaveBeenCalledWith('line 3: "broken" is not an email address');
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/1 new clients, 1 new contacts/);
    expect(await run([file, '--firm', firm.slug, '--no-invite'])).toBe(2);
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/0 new clients, 0 new contacts, 1 already there/);
    const clients = await getDb().select().from(s.client).where(eq(s.client.firmId, firm.id));
    expect(clients.map((c) => c.code)).toEqual(['MAPLE']);
    expect(await run([file, '--firm', 'no-such-firm'])).toBe(1);
    await expect(run([file])).rejects.toThrow(/usage/);
  });
});

describe('firm:create', () => {
  afterEach(() => vi.restoreAllMocks());
  const create = (args: string[]) =>
    firmCreate.run({ args, config: getConfig(), database: getDatabase() });

  it('takes an optional --time-zone, used in the owner mail, and refuses unknown zones', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const email = `${unique('ny')}@example.test`;
    const base = ['--name', 'Hudson Books', '--owner-email', email, '--owner-name', 'Hal'];
    await expect(create([...base, '--time-zone', 'Mars/Base'])).rejects.toThrow(/--time-zone/);
    await create([...base, '--time-zone', 'America/New_York']);
    const id = String(log.mock.calls.at(-1)?.[0]);
    const [firm] = await getDb().select().from(s.firm).where(eq(s.firm.id, id));
    expect(firm.timeZone).toBe('America/New_York');
    expect((await latestMailTo(email)).text).toMatch(/until .+ E[SD]T\./);

    const other = `${unique('utc')}@example.test`;
    await create(['--name', 'Plain Books', '--owner-email', other, '--owner-name', 'Pat']);
    const [plain] = await getDb()
      .select()
      .from(s.firm)
      .where(eq(s.firm.id, String(log.mock.calls.at(-1)?.[0])));
    expect(plain.timeZone).toBe('UTC');
  });
});
