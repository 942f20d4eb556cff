// Issue 19, "Role-aware status": approvals are counted over approvers only (a viewer cannot
// approve, so is never waited for), and staff and the client use the same words for one state.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { listPacketSummaries } from '../../../src/lib/server/packets/dashboard';
import { approvePacket } from '../../../src/lib/server/review/decisions';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { addDocument, createPacket, signIn } from '../../support/factories';
import { staffWorld } from '../../support/firm';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';

async function approvedByTheApprover() {
  const world = await staffWorld();
  const { db, firm, staff, client, contacts } = world;
  const packet = await createPacket(db, client, { status: 'draft', period: '2034-Q1' });
  await addDocument(db, packet, { filename: 'ledger.pdf' });
  await publishPacket(db, firm, packet.id, staff.id);
  const [published] = await db.select().from(s.packet).where(eq(s.packet.id, packet.id));
  const approved = await approvePacket(db, {
    packet: published,
    contact: contacts[0].contact,
    seenVersion: 1
  });
  expect(approved.ok).toBe(true);
  return { ...world, packet: published };
}

describe('role-aware status', () => {
  it('counts approvals over approvers, never over viewers', async () => {
    const { db, browser, firm, packet } = await approvedByTheApprover();
    const [summary] = await listPacketSummaries(db, firm.id, { period: '2034-Q1' });
    expect(summary).toMatchObject({ contacts: 2, approved: 1, approvers: 1 });
    const dashboard = textOf((await browser.get('/firm?period=2034-Q1')).text);
    expect(dashboard).toMatch(/approved 1 ?\/1\b/);
    const detail = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(detail).toMatch(/1 of 1 approvers? approved/);
  });

  it('gives staff and the client the same word for an approved packet', async () => {
    const { browser, packet, contacts } = await approvedByTheApprover();
    const staffPage = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    const viewer = new TestBrowser();
    await signIn(viewer, contacts[1].user.id, 'client');
    const clientPage = textOf((await viewer.get(`/p/${packet.id}`)).text);
    const list = textOf((await viewer.get('/p')).text);
    for (const text of [staffPage, clientPage, list]) {
      expect(text).toContain('Approved');
      expect(text).not.toMatch(/\bReviewed\b|\bPublished\b/);
    }
  });
});
