// Mail that cannot be delivered is shown to staff: a recipient Postmark refuses (406, inactive)
// and a message that kept failing for 24 hours (dead) both read "failed" with the reason on the
// staff packet page.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { createPostmarkTransport } from '../../src/lib/server/email/postmark';
import { createEmailWorker } from '../../src/lib/server/email/worker';
import { createContact, makePdf } from '../support/factories';
import { postForm, staffWorld, uploadPdf } from '../support/firm';
import { startPostmarkStub, type PostmarkStub } from '../support/postmark-stub';
import { rowOf } from '../support/html';

let stub: PostmarkStub;
beforeAll(async () => {
  stub = await startPostmarkStub();
});
afterAll(() => stub.close());

function sendQueued(only: { firmId: string; to?: string }) {
  return createEmailWorker(getDb(), {
    transport: createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      defaultFrom: 'Smith & Co <mail@smith.test>',
      timeoutSeconds: 5
    }),
    only
  }).drain();
}

describe('undeliverable mail on the staff packet page', () => {
  it('an inactive recipient (406) and a message dead after 24 hours both show as failed, with why', async () => {
    const w = await staffWorld();
    const [inactive, late] = w.contacts.map((c) => c.user.email);
    const fine = (await createContact(w.db, w.client, { name: 'Fay Fine' })).user.email;
    const created = await postForm(w.browser, '/firm/packets/new', {
      clientId: w.client.id,
      period: '2031-Q4',
      title: 'Year-end review',
      note: '',
      dueAt: ''
    });
    expect(created.status).toBe(303);
    const packetId = created.location!.split('/').pop()!;
    expect((await uploadPdf(w.browser, packetId, 'Ledger.pdf', await makePdf(1))).status).toBe(201);
    expect((await postForm(w.browser, `/firm/packets/${packetId}?/publish`)).status).toBe(200);

    // One mail has been failing (Postmark down) since yesterday: this try is its last.
    const [lateRow] = await w.db
      .update(s.outbox)
      .set({ createdAt: sql`now() - interval '25 hours'`, attempts: 12 })
      .where(
        sql`${s.outbox.firmId} = ${w.firm.id} and ${s.outbox.id} in
          (select outbox_id from outbox_message where payload->>'to' = ${late})`
      )
      .returning();
    expect(lateRow).toBeDefined();
    stub.answerNext(503);
    expect(await sendQueued({ firmId: w.firm.id, to: late })).toMatchObject({ dead: 1 });
    // Postmark has marked this address inactive (an earlier hard bounce or spam complaint).
    stub.reject(inactive, 406);
    expect(await sendQueued({ firmId: w.firm.id })).toMatchObject({ sent: 1, failed: 1 });

    const page = await w.browser.get(`/firm/packets/${packetId}`);
    expect(page.status).toBe(200);
    expect(rowOf(page.text, inactive)).toMatch(/failed .*Postmark 406: .*marked as inactive/);
    expect(rowOf(page.text, late)).toMatch(/failed .*Gave up after 24 hours.* 503/);
    expect(rowOf(page.text, fine)).toMatch(/sent/);
    expect(rowOf(page.text, fine)).not.toMatch(/failed/);
    // The column shows how the mail fared, so it is named for that (not "Email").
    expect(page.text).toMatch(/role="columnheader"[^>]*>Delivery</);
    expect(page.text).toContain('data-label="Delivery"');
    expect(page.text).not.toContain('data-label="Email"');
    const [deadRow] = await w.db.select().from(s.outbox).where(eq(s.outbox.id, lateRow.id));
    expect(deadRow.status).toBe('dead');
  });
});
