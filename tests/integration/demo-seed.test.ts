import { createHash } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { DEMO_FIRM, seedDemo } from '../../src/lib/server/demo/seed';
import { issueCertificate } from '../../src/lib/server/certificates/certificates';
import { getBlobStore } from '../../src/lib/server/storage';

async function readBlob(key: string): Promise<Buffer> {
  return Buffer.from(await new Response(await getBlobStore().get(key)).arrayBuffer());
}

describe('seed:demo', () => {
  it('creates a lived-in demo firm once, and changes nothing the second time', async () => {
    const db = getDb();
    const first = await seedDemo(db);
    expect(first).toMatchObject({
      created: true,
      staff: 3,
      clients: 25,
      contacts: 40,
      packets: 50,
      documents: 100
    });
    const firmId = first.firmId;
    const [firm] = await db.select().from(s.firm).where(eq(s.firm.id, firmId));
    expect(firm.name).toBe(DEMO_FIRM.name);
    expect(firm.timeZone).toBe('America/New_York');

    const members = await db.select().from(s.membership).where(eq(s.membership.firmId, firmId));
    expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);

    const contacts = await db
      .select()
      .from(s.clientContact)
      .where(eq(s.clientContact.firmId, firmId));
    expect(new Set(contacts.map((c) => c.role))).toEqual(new Set(['approver', 'viewer']));
    expect(contacts.filter((c) => c.accessExpiresAt).length).toBeGreaterThanOrEqual(1);

    const packets = await db.select().from(s.packet).where(eq(s.packet.firmId, firmId));
    const q2 = packets.filter((p) => p.period === '2026-Q2');
    const q3 = packets.filter((p) => p.period === '2026-Q3');
    expect(q2.every((p) => p.status === 'published' && p.version === 1)).toBe(true);
    expect(new Set(q3.map((p) => p.status))).toEqual(new Set(['draft', 'published']));

    // Every document's stored bytes match its recorded size and hash, and are a PDF.
    const docs = await db.select().from(s.document).where(eq(s.document.firmId, firmId));
    for (const doc of docs.slice(0, 6)) {
      const bytes = await readBlob(doc.blobKey);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.byteLength).toBe(doc.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(doc.sha256);
      expect(doc.pages).toBeGreaterThan(1);
    }

    const deliveries = await db.select().from(s.delivery).where(eq(s.delivery.firmId, firmId));
    const published = packets.filter((p) => p.status === 'published');
    expect(new Set(deliveries.map((d) => d.packetId))).toEqual(new Set(published.map((p) => p.id)));
    expect(deliveries.some((d) => d.firstOpenedAt && !d.reviewedAt)).toBe(true);
    expect(deliveries.some((d) => d.reviewedAt)).toBe(true);
    expect(deliveries.some((d) => !d.firstOpenedAt)).toBe(true);
    // No draft packet has any delivery.
    const drafts = new Set(q3.filter((p) => p.status === 'draft').map((p) => p.id));
    expect(deliveries.some((d) => drafts.has(d.packetId))).toBe(false);
    // Every published packet has what its contacts see of it: its version's details.
    const versions = await db
      .select()
      .from(s.packetVersion)
      .where(eq(s.packetVersion.firmId, firmId));
    expect(versions.map((v) => `${v.packetId}:${v.version}`).sort()).toEqual(
      published.map((p) => `${p.id}:1`).sort()
    );

    const decisions = await db.select().from(s.decision).where(eq(s.decision.firmId, firmId));
    expect(decisions.some((d) => d.kind === 'approve')).toBe(true);
    expect(decisions.some((d) => d.kind === 'question')).toBe(true);
    // Approvals carry evidence as real ones do, so demo certificates look real.
    const approval = decisions.find((d) => d.kind === 'approve')!;
    expect(approval).toMatchObject({
      signInMethod: 'link',
      consent: expect.stringMatching(/^I have reviewed/)
    });
    expect(approval.ip).toMatch(/^198\.51\.100\.\d+$/);
    const approved = await db
      .select()
      .from(s.document)
      .where(eq(s.document.packetId, approval.packetId));
    expect(approval.documents?.map((d) => d.sha256).sort()).toEqual(
      approved.map((d) => d.sha256).sort()
    );
    const certificate = await issueCertificate(db, approval.packetId, approval.version);
    expect(certificate?.data.approvals[0].ip).toMatch(/^198\.51\.100\./);
    const pinned = await db
      .select()
      .from(s.comment)
      .where(and(eq(s.comment.firmId, firmId), isNotNull(s.comment.page)));
    expect(pinned.length).toBeGreaterThan(0);

    const again = await seedDemo(db);
    expect(again).toMatchObject({ created: false, firmId, clients: 25, packets: 50 });
    expect(await db.$count(s.packet, eq(s.packet.firmId, firmId))).toBe(50);
    expect(await db.$count(s.firm, eq(s.firm.slug, DEMO_FIRM.slug))).toBe(1);
  }, 180_000);
});
