// The audit export: the firm's log for a range of days (its zone) and one packet's trail, as CSV
// a spreadsheet opens safely. Runs on PGlite and PostgreSQL.
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../../src/lib/server/audit';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { appUrl, TestBrowser } from '../../support/server';

type CsvRecord = { [column: string]: string };

/** The CSV's records by header name (CRLF line ends checked; fetch's decoder drops the BOM). */
function readCsv(text: string): CsvRecord[] {
  expect(text.endsWith('\r\n')).toBe(true);
  return parse(text, { bom: true, columns: true }) as CsvRecord[];
}

/** Inserts one event at an exact instant. */
async function eventAt(db: Db, at: string, values: Partial<typeof s.auditEvent.$inferInsert>) {
  const [row] = await db
    .insert(s.auditEvent)
    .values({ action: 'packet.updated', ...values, at: new Date(at) })
    .returning();
  return row;
}

describe('audit export', () => {
  it('writes the range in the firm zone, this firm only, with names a firm can read', async () => {
    const { db, browser, firm, staff, client, contacts } = await staffWorld();
    await db.update(s.firm).set({ timeZone: 'America/New_York' }).where(eq(s.firm.id, firm.id));
    const [ada] = contacts;
    // The firm calls Ada by the name it gave her, whatever her own account says.
    await db.update(s.user).set({ name: 'ada (own account)' }).where(eq(s.user.id, ada.user.id));
    const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
    const other = await createFirmWithStaff(db);
    const otherClient = await createClient(db, other.firm.id, { name: 'Their Client' });
    const otherPacket = await createPacket(db, otherClient, { title: 'Not yours' });

    // 1 Nov 00:00 in New York is 04:00 UTC; 30 Nov ends at 05:00 UTC on 1 Dec (EST).
    const before = await eventAt(db, '2026-11-01T03:59:59Z', { firmId: firm.id });
    const first = await eventAt(db, '2026-11-01T04:00:00Z', {
      firmId: firm.id,
      action: 'packet.approved',
      actorId: ada.user.id,
      subject: `packet:${packet.id}`,
      ip: '203.0.113.7',
      ua: 'Mozilla/5.0 (iPhone)',
      data: { version: 2, contactId: ada.contact.id }
    });
    const staffEvent = await eventAt(db, '2026-11-15T12:00:00Z', {
      firmId: firm.id,
      action: 'client.updated',
      actorId: staff.id,
      subject: `client:${client.id}`,
      data: { name: 'Acme, "the" bakery' }
    });
    const last = await eventAt(db, '2026-12-01T04:59:59Z', {
      firmId: firm.id,
      action: 'packet.reminded',
      subject: `packet:${packet.id}`,
      data: { version: 2, contacts: [ada.user.email] }
    });
    const after = await eventAt(db, '2026-12-01T05:00:00Z', { firmId: firm.id });
    const theirs = await eventAt(db, '2026-11-10T12:00:00Z', {
      firmId: other.firm.id,
      action: 'packet.approved',
      subject: `packet:${otherPacket.id}`,
      actorId: other.staff.id
    });

    const res = await browser.get('/firm/audit/export?from=2026-11-01&to=2026-11-30');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('content-disposition')).toContain(
      `attachment; filename="sheaf-audit-${firm.slug}-2026-11-01-2026-11-30.csv"`
    );
    const rows = readCsv(res.text);
    expect(rows.map((r) => Number(r['Event ID']))).toEqual([first.id, staffEvent.id, last.id]);
    // The bytes start with a UTF-8 BOM (for Excel), then the header.
    const raw = await fetch(`${await appUrl()}/firm/audit/export?from=2026-11-01&to=2026-11-30`, {
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
    });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(bytes.slice(3, 14)).toString()).toBe('Time (UTC),');
    for (const id of [before.id, after.id, theirs.id]) {
      expect(rows.some((r) => Number(r['Event ID']) === id)).toBe(false);
    }
    expect(res.text).not.toContain('Their Client');
    expect(res.text).not.toContain('Not yours');

    expect(rows[0]).toMatchObject({
      'Time (UTC)': '2026-11-01T04:00:00.000Z',
      "Time in the firm's zone (America/New_York)": '2026-11-01T00:00:00-04:00',
      Action: 'packet.approved',
      Description: 'Approved — version 2',
      Who: 'Ada Approver',
      Email: ada.user.email,
      Role: 'contact',
      Client: 'Acme Bakery',
      Packet: 'Q3 review',
      Version: '2',
      'IP address': '203.0.113.7',
      'User agent': 'Mozilla/5.0 (iPhone)'
    });
    expect(JSON.parse(rows[0].Details)).toEqual({ version: 2, contactId: ada.contact.id });
    expect(rows[1]).toMatchObject({ Who: 'Sam Staff', Role: 'staff', Client: 'Acme Bakery' });
    expect(JSON.parse(rows[1].Details)).toEqual({ name: 'Acme, "the" bakery' });
    expect(rows[2]).toMatchObject({
      "Time in the firm's zone (America/New_York)": '2026-11-30T23:59:59-05:00',
      Who: 'Sheaf',
      Role: 'system',
      Description: `Sent an automatic reminder — ${ada.user.email}`
    });
  });

  it('neutralises formula payloads in every text cell', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const packet = await createPacket(db, client, { title: '@SUM(1+1)' });
    const payloads = [
      '=HYPERLINK("http://evil.test","Click")',
      '+1',
      '-2',
      '@SUM(A1:A9)',
      '\tTab',
      '\rCR'
    ];
    for (const name of payloads) {
      const { user } = await createContact(db, client, { name });
      await recordAudit(db, {
        action: 'document.viewed',
        firmId: firm.id,
        actorId: user.id,
        subject: `packet:${packet.id}`,
        ip: name,
        ua: name,
        data: { document: name, version: 1 }
      });
    }
    const today = new Date().toISOString().slice(0, 10);
    const res = await browser.get(`/firm/audit/export?from=2026-01-01&to=${today}`);
    expect(res.status).toBe(200);
    const rows = readCsv(res.text).filter((r) => r.Action === 'document.viewed');
    // A firm in UTC: the two time columns still read differently.
    const header = (parse(res.text, { bom: true }) as string[][])[0];
    expect(header.slice(0, 2)).toEqual(['Time (UTC)', "Time in the firm's zone (UTC)"]);
    expect(rows.map((r) => r.Who)).toEqual(payloads.map((p) => `'${p}`));
    for (const row of rows) {
      for (const column of ['Who', 'IP address', 'User agent', 'Packet']) {
        expect(row[column]).toMatch(/^'[=+\-@\t\r]/);
      }
      // Details is JSON ({...}); the description starts with words.
      expect(row.Details.startsWith('{')).toBe(true);
    }
    // No cell of the whole file starts a formula.
    const cells = (parse(res.text, { bom: true }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('exports one packet’s trail from its page, and 404s another firm’s packet', async () => {
    const { db, browser, firm, client } = await staffWorld();
    const mine = await createPacket(db, client, { title: 'Mine', period: '2026-Q3' });
    const sibling = await createPacket(db, client, { title: 'Sibling' });
    await recordAudit(db, {
      action: 'packet.created',
      firmId: firm.id,
      subject: `packet:${mine.id}`
    });
    await recordAudit(db, {
      action: 'packet.created',
      firmId: firm.id,
      subject: `packet:${sibling.id}`
    });
    const page = await browser.get(`/firm/packets/${mine.id}`);
    expect(page.text).toContain(`/firm/packets/${mine.id}/audit.csv`);

    const res = await browser.get(`/firm/packets/${mine.id}/audit.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(
      `filename="sheaf-audit-${firm.slug}-${client.code}-2026-Q3.csv"`
    );
    const rows = readCsv(res.text);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Action: 'packet.created', Packet: 'Mine' });

    const other = await createFirmWithStaff(db);
    const theirClient = await createClient(db, other.firm.id);
    const theirs = await createPacket(db, theirClient, { title: 'Theirs' });
    await recordAudit(db, {
      action: 'packet.created',
      firmId: other.firm.id,
      subject: `packet:${theirs.id}`
    });
    const refused = await browser.get(`/firm/packets/${theirs.id}/audit.csv`);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('Theirs');
    expect((await browser.get('/firm/packets/not-a-uuid/audit.csv')).status).toBe(404);
  });

  it('refuses a bad range with a clear message, on the page and the endpoint', async () => {
    const { browser } = await staffWorld();
    const cases: [string, string, string][] = [
      ['2026-11-30', '2026-11-01', 'To must be on or after From.'],
      ['2026-02-30', '2026-03-01', 'Enter the From date as YYYY-MM-DD'],
      ['yesterday', '2026-03-01', 'Enter the From date as YYYY-MM-DD'],
      ['2020-01-01', '2026-01-02', 'Choose at most 5 years at a time.'],
      ['', '2026-03-01', 'Enter the From date.']
    ];
    for (const [from, to, message] of cases) {
      const res = await browser.get(`/firm/audit/export?${new URLSearchParams({ from, to })}`);
      expect(res.status, `${from}..${to}`).toBe(400);
      expect(res.text).toContain(message);
      const posted = await postForm(browser, '/firm/audit', { from, to });
      expect(posted.status).toBe(400);
      expect(posted.text).toContain(message.replace(/"/g, '&quot;'));
    }
    expect((await browser.get('/firm/audit/export')).status).toBe(400);
  });

  it('offers the last 30 days in the firm zone and hands a good range to the download', async () => {
    const { browser } = await staffWorld();
    const page = await browser.get('/firm/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="from"');
    expect(page.text).toContain('name="to"');
    const today = new Date().toISOString().slice(0, 10);
    expect(page.text).toContain(`value="${today}"`);
    const settings = await browser.get('/firm/settings');
    expect(settings.text).toContain('href="/firm/audit"');

    const posted = await postForm(browser, '/firm/audit', { from: '2026-11-01', to: '2026-11-30' });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/firm/audit/export?from=2026-11-01&to=2026-11-30');
  });

  it('is for the firm’s staff only', async () => {
    const { db, client } = await staffWorld();
    const { user } = await createContact(db, client, { name: 'Curious Contact' });
    const phone = new TestBrowser();
    await signIn(phone, user.id, 'client');
    const res = await phone.get('/firm/audit/export?from=2026-11-01&to=2026-11-30');
    expect([303, 404]).toContain(res.status);
    expect(res.text).not.toContain('Time (UTC)');
  });
});
