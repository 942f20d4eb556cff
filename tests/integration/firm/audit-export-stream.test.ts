// The audit export streams: 50,000 events go out in pages while the server holds about one page,
// and a reader that stops taking (or cancels) stops the queries.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { asc, eq, sql } from 'drizzle-orm';
import * as s from '../../../src/lib/server/db/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditCsvStream } from '../../../src/lib/server/audit-log/export';
import type { Db } from '../../../src/lib/server/db/client';
import { createPacket } from '../../support/factories';
import { staffWorld } from '../../support/firm';
import { appUrl } from '../../support/server';

const EVENTS = 50_000;
const MB = 1024 * 1024;

// A collection before each sample measures what is alive, not garbage a busy machine left
// uncollected (vitest runs without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let world: Awaited<ReturnType<typeof staffWorld>>;
let cookie: string;

beforeAll(async () => {
  world = await staffWorld();
  const { db, firm, client, contacts } = world;
  const packet = await createPacket(db, client, { title: 'Year-end accounts' });
  const [ada] = contacts;
  // One statement, so the setup takes seconds even on PGlite.
  await db.execute(sql`
    insert into audit_event (firm_id, actor_id, action, subject, ip, ua, data, at)
    select ${firm.id}::uuid, ${ada.user.id}::uuid, 'document.viewed', ${`packet:${packet.id}`},
      '203.0.113.' || (g % 250),
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      jsonb_build_object('version', 1 + g % 3, 'contactId', ${ada.contact.id}::text,
        'documentId', md5(g::text), 'document', 'Bank statement ' || g),
      timestamptz '2026-06-01T00:00:00Z' + g * interval '1 minute'
    from generate_series(1, ${EVENTS}) g`);
  cookie = [...world.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}, 180_000);

describe('streaming the audit export', () => {
  it('sends 50,000 events with memory far below the size of the file', async () => {
    const url = `${await appUrl()}/firm/audit/export?from=2026-05-01&to=2026-12-31`;
    // A small export first, so what the route and its modules allocate once is in the baseline.
    await (
      await fetch(`${url.replace('2026-12-31', '2026-05-02')}`, { headers: { cookie } })
    ).text();
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    const response = await fetch(url, { headers: { cookie } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) lines++;
      if (++chunks % 8 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(lines).toBe(EVENTS + 1); // the header, then every event
    expect(bytes).toBeGreaterThan(20 * MB);
    // Buffering the export would hold the whole file (and far more in row objects). Streaming
    // holds a page or two: well under a quarter of the file, with room for a busy machine.
    console.log(
      `audit export stream: ${(bytes / MB).toFixed(1)} MB in ${chunks} chunks, heap growth peak ${(peak / MB).toFixed(1)} MB`
    );
    expect(peak).toBeLessThan(bytes / 4);
  }, 180_000);

  it('keeps every event once, in (at, id) order, when pages cut through one instant', async () => {
    const { db, firm } = await staffWorld();
    const at = '2026-03-01T12:00:00.123456Z';
    // 7 events in one microsecond between others, and a page of 3: the instant spans pages.
    await db.execute(sql`
      insert into audit_event (firm_id, action, at)
      select ${firm.id}::uuid, 'packet.updated',
        case when g between 3 and 9 then ${at}::timestamptz
          else ${at}::timestamptz + (g - 6) * interval '1 microsecond' end
      from generate_series(1, 12) g`);
    const expected = (
      await db
        .select({ id: s.auditEvent.id })
        .from(s.auditEvent)
        .where(eq(s.auditEvent.firmId, firm.id))
        .orderBy(asc(s.auditEvent.at), asc(s.auditEvent.id))
    ).map((r) => r.id);
    expect(expected).toHaveLength(12);
    for (const batchSize of [1, 2, 3, 5, 1000]) {
      const scope = { firmId: firm.id, from: new Date('2026-01-01'), to: new Date('2027-01-01') };
      const text = await new Response(
        auditCsvStream(db, scope, { timeZone: 'UTC', batchSize })
      ).text();
      const written = text
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => Number(line.split(',').at(-1)));
      expect(written, `batch ${batchSize}`).toEqual(expected);
    }
  });

  it('reads the next page only when the last was taken, and none after cancel', async () => {
    let queries = 0;
    const counting = new Proxy(world.db, {
      get(target, key, receiver) {
        // Pages are read in a transaction of their own, names by plain selects.
        if (key === 'select' || key === 'transaction') queries++;
        return Reflect.get(target, key, receiver);
      }
    }) as Db;
    const scope = { firmId: world.firm.id, from: new Date('2026-01-01'), to: new Date() };
    const stream = auditCsvStream(counting, scope, { timeZone: 'UTC', batchSize: 100 });
    const reader = stream.getReader();
    const pause = () => new Promise((r) => setTimeout(r, 300));
    await reader.read(); // the header
    await reader.read(); // page 1
    await pause();
    // The next page is queued ahead; while nobody reads, nothing more is asked of the database.
    const waiting = queries;
    await pause();
    expect(queries).toBe(waiting);
    await reader.read();
    await pause();
    expect(queries).toBeGreaterThan(waiting);
    await reader.cancel();
    const cancelled = queries;
    await pause();
    expect(queries).toBe(cancelled);
  });
});
