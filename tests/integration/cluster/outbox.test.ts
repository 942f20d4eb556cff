// Both instances run the outbox worker against one PostgreSQL database and one Postmark (a
// stub on loopback). Rows are claimed with FOR UPDATE SKIP LOCKED: every message goes out once,
// and the work is shared. Each instance sends on its own message stream, so the stub can tell
// which instance sent what.
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { enqueueEmails, type EmailMessage } from '../../../src/lib/server/email/outbox';
import { openClusterDb, startCluster, type Cluster } from '../../support/cluster';
import { unique } from '../../support/factories';
import { startPostmarkStub, type PostmarkStub } from '../../support/postmark-stub';

const STREAMS = ['outbound-a', 'outbound-b'];
let stub: PostmarkStub;
let cluster: Cluster;
let db: Db;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  stub = await startPostmarkStub('cluster-token');
  // Each batch call takes a moment, as a real API call does, so one busy worker leaves the
  // next rows to the other.
  stub.latencyMs = 150;
  cluster = await startCluster({
    instances: 2,
    env: { POSTMARK_SERVER_TOKEN: stub.token, POSTMARK_API_URL: stub.url },
    instanceEnv: (i) => ({ POSTMARK_MESSAGE_STREAM: STREAMS[i] })
  });
  ({ db, close: closeDb } = openClusterDb(cluster.databaseUrl));
}, 180_000);

afterAll(async () => {
  await closeDb?.();
  await cluster?.stop();
  await stub?.close();
});

describe('two outbox workers on one database', () => {
  it('send 1,000 queued messages exactly once between them', async () => {
    const run = unique('bulk');
    const addresses = Array.from({ length: 1000 }, (_, i) => `${run}-${i}@example.test`);
    const message = (to: string): EmailMessage => ({
      kind: 'packet',
      to,
      subject: 'Your Q3 2026 review is ready',
      html: '<p>Your documents are ready.</p>',
      text: 'Your documents are ready.',
      from: 'Smith Accounting <portal@smith.example>'
    });
    // Queued the way a firm publishing packets queues them: in transactions of 25 over about
    // four seconds, while both workers poll (each once a second).
    const ids: number[] = [];
    for (let i = 0; i < addresses.length; i += 25) {
      ids.push(
        ...(await db.transaction((tx) =>
          enqueueEmails(tx, addresses.slice(i, i + 25).map(message))
        ))
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ids).toHaveLength(1000);

    const deadline = Date.now() + 60_000;
    const ours = () => stub.accepted.filter((m) => m.To.startsWith(`${run}-`));
    while (ours().length < 1000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // The workers record a send after Postmark answers it: wait until every row is recorded.
    const recorded = async () =>
      (await db.select().from(s.outbox).where(inArray(s.outbox.id, ids))).every(
        (r) => r.status === 'sent' && r.lockedAt === null
      );
    while (!(await recorded()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // Then an observation window of a poll or two (not a stand-in for a condition: nothing is
    // left to claim, so a message sent twice would already be on its way now).
    await new Promise((r) => setTimeout(r, 1500));

    const accepted = ours();
    const perAddress = new Map<string, number>();
    for (const m of accepted) perAddress.set(m.To, (perAddress.get(m.To) ?? 0) + 1);
    expect(perAddress.size).toBe(1000);
    expect([...perAddress.values()].filter((n) => n !== 1)).toEqual([]);
    expect(accepted).toHaveLength(1000);

    // Both instances did part of the work.
    const byStream = STREAMS.map((stream) => accepted.filter((m) => m.MessageStream === stream));
    console.info(
      `outbox: 1000 messages, instance A sent ${byStream[0].length}, B sent ${byStream[1].length} ` +
        `in ${stub.batchCalls().length} batch calls`
    );
    expect(byStream[0].length).toBeGreaterThan(0);
    expect(byStream[1].length).toBeGreaterThan(0);
    expect(byStream[0].length + byStream[1].length).toBe(1000);
    expect(stub.calls.every((c) => c.token === stub.token)).toBe(true);

    // Every row is marked sent with the Postmark MessageID it got, and none is still claimed.
    const rows = await db.select().from(s.outbox).where(inArray(s.outbox.id, ids));
    expect(rows).toHaveLength(1000);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(rows.filter((r) => r.lockedAt !== null)).toEqual([]);
    const messageIds = new Set(accepted.map((m) => m.MessageID));
    expect(rows.every((r) => r.providerMessageId && messageIds.has(r.providerMessageId))).toBe(
      true
    );
  }, 90_000);
});
