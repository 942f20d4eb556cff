// Publishing is one transaction: a failure at any step leaves nothing half-done, and two
// publishes of the same packet at once make one version and one mail per contact.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket
} from '../../support/factories';
import { postForm, staffWorld } from '../../support/firm';
import { openScratchDatabase, type ScratchDatabase } from '../../support/scratch-db';
import { selectOutbox } from '../../support/outbox';

const usePostgres = process.env.SHEAF_TEST_DB === 'postgres';

/** Every row a publish writes or changes, of the scratch database (it holds only this test's). */
async function everything(db: Db) {
  return {
    packets: await db.select().from(s.packet).orderBy(asc(s.packet.id)),
    versions: await db.select().from(s.packetVersion).orderBy(asc(s.packetVersion.id)),
    documents: await db.select().from(s.document).orderBy(asc(s.document.id)),
    deliveries: await db.select().from(s.delivery).orderBy(asc(s.delivery.id)),
    links: await db.select().from(s.magicLink).orderBy(asc(s.magicLink.id)),
    outbox: await selectOutbox(db).orderBy(asc(s.outbox.id)),
    audit: await db.select().from(s.auditEvent).orderBy(asc(s.auditEvent.id))
  };
}

/** The error and its causes (drizzle wraps the database's error), as one string. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e; e = (e as { cause?: unknown }).cause) parts.push(String(e));
  return parts.join(' <- ');
}

describe('a failure mid-publish', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
    await scratch.handle.db.execute(sql`
      create function fail_publish() returns trigger language plpgsql as $$
      begin raise exception 'injected publish failure'; end $$`);
  }, 180_000);
  afterAll(() => scratch?.close());

  // Each case makes one insert of the publish throw: the last contact's link, the last
  // contact's mail (rows before it in the same statement are written first), the deliveries,
  // and the audit event written last of all.
  const cases: { what: string; table: string; when: (w: World) => string }[] = [
    {
      what: "the last contact's magic link",
      table: 'magic_link',
      when: (w) => `new.user_id = '${w.contacts.at(-1)!.user.id}'`
    },
    {
      what: "the last contact's mail in the outbox",
      table: 'outbox_message',
      when: (w) => `new.payload->>'to' = '${w.contacts.at(-1)!.user.email}'`
    },
    { what: 'the deliveries', table: 'delivery', when: (w) => `new.packet_id = '${w.packet.id}'` },
    {
      what: 'the audit event',
      table: 'audit_event',
      when: (w) => `new.subject = 'packet:${w.packet.id}'`
    }
  ];

  type World = Awaited<ReturnType<typeof publishedWorld>>;

  /** A packet published once to three contacts, with a document added and one removed since. */
  async function publishedWorld(db: Db) {
    const { firm, staff } = await createFirmWithStaff(db);
    const client = await createClient(db, firm.id);
    const contacts = [
      await createContact(db, client, { name: 'Ada Approver' }),
      await createContact(db, client, { name: 'Bo Approver' }),
      await createContact(db, client, { name: 'Vic Viewer', role: 'viewer' })
    ];
    const draft = await createPacket(db, client, { status: 'draft' });
    const kept = await addDocument(db, draft, { filename: 'kept.pdf' });
    const gone = await addDocument(db, draft, { filename: 'gone.pdf', position: 1 });
    expect(await publishPacket(db, firm, draft.id, staff.id)).toMatchObject({ version: 1 });
    const [packet] = await db.select().from(s.packet).where(eq(s.packet.id, draft.id));
    await addDocument(db, { ...packet, version: 0 }, { filename: 'added.pdf', position: 2 });
    await db.update(s.document).set({ removedAt: new Date() }).where(eq(s.document.id, gone.id));
    return { firm, staff, contacts, packet, kept };
  }

  for (const { what, table, when } of cases) {
    it(`leaves everything as it was when ${what} cannot be written`, async () => {
      const db = scratch.handle.db;
      const world = await publishedWorld(db);
      const trigger = sql.raw(`fail_publish_${table}`);
      await db.execute(sql`
        create trigger ${trigger} before insert on ${sql.raw(table)} for each row
        when (${sql.raw(when(world))}) execute function fail_publish()`);
      const before = await everything(db);
      let failure: unknown;
      try {
        await publishPacket(db, world.firm, world.packet.id, world.staff.id);
      } catch (error) {
        failure = error;
      } finally {
        await db.execute(sql`drop trigger ${trigger} on ${sql.raw(table)}`);
      }
      expect(describeError(failure)).toContain('injected publish failure');
      expect(await everything(db)).toEqual(before);

      // Nothing left behind stands in the way: the same publish goes through afterwards.
      const retried = await publishPacket(db, world.firm, world.packet.id, world.staff.id);
      expect(retried).toMatchObject({ version: 2, deliveries: 3, updated: true });
      const links = await db
        .select()
        .from(s.magicLink)
        .where(eq(s.magicLink.packetId, world.packet.id));
      expect(links).toHaveLength(6);
    });
  }
});

describe('publishing the same packet twice at once', () => {
  async function mailsOf(db: Db, packetId: string) {
    return (await selectOutbox(db)).filter(
      (o) => (o.payload as { metadata?: { packetId?: string } }).metadata?.packetId === packetId
    );
  }

  /**
   * Runs both publishes so that they overlap: on PostgreSQL the test holds the packet's row lock
   * until both wait for it; PGlite has one connection, which takes the two in turn.
   */
  async function atOnce<T>(db: Db, packetId: string, publish: () => Promise<T>): Promise<T[]> {
    if (!usePostgres) return Promise.all([publish(), publish()]);
    let both: Promise<T[]> | undefined;
    await db.transaction(async (tx) => {
      await tx.select().from(s.packet).where(eq(s.packet.id, packetId)).for('update');
      both = Promise.all([publish(), publish()]);
      both.catch(() => {});
      const deadline = Date.now() + 20_000;
      for (;;) {
        // postgres.js returns the rows themselves.
        const [{ n }] = (await db.execute(sql`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
            and query ilike '%from "packet"%for update%'`)) as unknown as { n: number }[];
        if (Number(n) >= 2) break;
        if (Date.now() > deadline) throw new Error('the two publishes never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    return both!;
  }

  it('makes one version and one mail per contact; the other is told nothing is left', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const packet = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, packet);
    const answers = await atOnce(db, packet.id, () =>
      postForm(browser, `/firm/packets/${packet.id}?/publish`)
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.status === 400)!.text).toContain(
      'Nothing to publish: no changes since version 1.'
    );

    const [after] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(after).toMatchObject({ status: 'published', version: 1 });
    const deliveries = await db.select().from(s.delivery).where(eq(s.delivery.packetId, packet.id));
    expect(deliveries.map((d) => d.contactId).sort()).toEqual(
      contacts.map((c) => c.contact.id).sort()
    );
    const mails = await mailsOf(db, packet.id);
    expect(mails.map((m) => (m.payload as { to: string }).to).sort()).toEqual(
      contacts.map((c) => c.user.email).sort()
    );
    expect(mails.every((m) => m.kind === 'packet')).toBe(true);
    const links = await db
      .select()
      .from(s.magicLink)
      .where(and(eq(s.magicLink.packetId, packet.id), eq(s.magicLink.purpose, 'packet')));
    expect(links).toHaveLength(contacts.length);
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(eq(s.auditEvent.subject, `packet:${packet.id}`));
    expect(audit.map((a) => a.action)).toEqual(['packet.published']);
  });

  it('an update published twice at once is one new version', async () => {
    const { db, firm, staff, client, contacts } = await staffWorld();
    const draft = await createPacket(db, client, { status: 'draft' });
    await addDocument(db, draft);
    await publishPacket(db, firm, draft.id, staff.id);
    const [packet] = await db.select().from(s.packet).where(eq(s.packet.id, draft.id));
    await addDocument(db, { ...packet, version: 0 }, { filename: 'late.pdf' });

    const results = await atOnce(db, packet.id, () =>
      publishPacket(db, firm, packet.id, staff.id).then(
        (result) => ({ result }),
        (error: Error) => ({ error: error.message })
      )
    );
    expect(results).toContainEqual({
      result: { version: 2, deliveries: contacts.length, skipped: 0, updated: true }
    });
    expect(results).toContainEqual({ error: 'Nothing to publish: no changes since version 2.' });

    const [after] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
    expect(after.version).toBe(2);
    const updates = (await mailsOf(db, packet.id)).filter((m) => m.kind === 'packet_updated');
    expect(updates).toHaveLength(contacts.length);
    const v2 = await db
      .select()
      .from(s.delivery)
      .where(and(eq(s.delivery.packetId, packet.id), eq(s.delivery.version, 2)));
    expect(v2).toHaveLength(contacts.length);
  });
});
