import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { createPacket, makePdf } from '../../support/factories';
import { staffWorld, uploadPdf } from '../../support/firm';
import { appUrl, type TestBrowser } from '../../support/server';

async function postJson(browser: TestBrowser, path: string, body: unknown, origin?: string) {
  return browser.request('POST', path, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', origin: origin ?? (await appUrl()) }
  });
}

describe('bulk publish endpoints', () => {
  it('creates a draft per client, takes its PDFs and publishes it', async () => {
    const { db, browser, client } = await staffWorld();
    const page = await browser.get('/firm/packets/bulk');
    expect(page.status).toBe(200);
    expect(page.text).toContain(client.code);
    const created = await postJson(browser, '/firm/packets/bulk/create', {
      clientId: client.id,
      period: '2026-Q4',
      title: 'Quarterly review',
      note: '',
      dueAt: ''
    });
    expect(created.status).toBe(201);
    const { packetId } = created.json<{ packetId: string }>();
    expect(
      (await uploadPdf(browser, packetId, `${client.code} Q4.pdf`, await makePdf(2))).status
    ).toBe(201);
    const published = await postJson(browser, `/firm/packets/${packetId}/publish`, {});
    expect(published.status).toBe(200);
    expect(published.json()).toMatchObject({ version: 1, deliveries: 2 });
    const [row] = await db.select().from(s.packet).where(eq(s.packet.id, packetId));
    expect(row).toMatchObject({ status: 'published', period: '2026-Q4' });
  });

  it('refuses bad details, empty packets, other firms and other sites', async () => {
    const mine = await staffWorld();
    const theirs = await staffWorld();
    const bad = await postJson(mine.browser, '/firm/packets/bulk/create', {
      clientId: mine.client.id,
      period: 'Q4',
      title: 'x'
    });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: string }>().error).toContain(
      'Choose a quarter, month or financial year'
    );
    const other = await postJson(mine.browser, '/firm/packets/bulk/create', {
      clientId: theirs.client.id,
      period: '2026-Q4',
      title: 'x'
    });
    expect(other.status).toBe(404);
    const empty = await createPacket(mine.db, mine.client, { status: 'draft' });
    const noDocs = await postJson(mine.browser, `/firm/packets/${empty.id}/publish`, {});
    expect(noDocs.status).toBe(400);
    expect(noDocs.json<{ error: string }>().error).toBe('Add at least one PDF before publishing.');
    const theirPacket = await createPacket(theirs.db, theirs.client, { status: 'draft' });
    expect(
      (await postJson(mine.browser, `/firm/packets/${theirPacket.id}/publish`, {})).status
    ).toBe(404);
    const crossSite = await postJson(
      mine.browser,
      `/firm/packets/${empty.id}/publish`,
      {},
      'https://evil.example'
    );
    expect(crossSite.status).toBe(403);
  });
});
