// Contacts see exactly the published version of a packet (issue 17, items 1 and 2): what staff
// upload, remove or edit after publishing stays staff-only until they publish again, and a
// decision names the version the contact was looking at.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../src/lib/server/db/schema';
import { ensurePreviews } from '../../src/lib/server/pdf/preview';
import { createPacket, makePdf, signIn } from '../support/factories';
import { documentsOf, postForm, staffWorld, uploadPdf } from '../support/firm';
import { TestBrowser } from '../support/server';
import { selectOutbox } from '../support/outbox';

/** A packet published through the staff routes, then edited and added to without publishing. */
async function stagedWorld() {
  const world = await staffWorld();
  const { db, browser, client } = world;
  const packet = await createPacket(db, client, {
    status: 'draft',
    title: 'Spring review',
    note: 'Published note for the client.'
  });
  const first = await uploadPdf(browser, packet.id, 'Bank statement.pdf', await makePdf(2));
  const kept = await uploadPdf(browser, packet.id, 'Ledger.pdf', await makePdf(1));
  expect(first.status).toBe(201);
  expect(kept.status).toBe(201);
  expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);

  // After publishing: a new upload, a removal, new details.
  const staged = await uploadPdf(browser, packet.id, 'Payroll draft.pdf', await makePdf(1));
  expect(staged.status).toBe(201);
  const docs = await documentsOf(packet.id);
  const byName = (name: string) => docs.find((d) => d.filename === name)!;
  const removed = byName('Bank statement.pdf');
  expect(
    (
      await postForm(browser, `/firm/packets/${packet.id}?/removeDocument`, {
        documentId: removed.id
      })
    ).status
  ).toBe(200);
  const edit = await postForm(browser, `/firm/packets/${packet.id}?/update`, {
    title: 'Renamed before sending',
    period: '2026-Q3',
    note: 'A note still being written.',
    dueAt: '2026-12-31'
  });
  expect(edit.status).toBe(200);

  const contact = world.contacts[0];
  const reader = new TestBrowser();
  await signIn(reader, contact.user.id, 'client');
  return {
    ...world,
    packet,
    reader,
    contact,
    removed,
    staged: byName('Payroll draft.pdf'),
    kept: byName('Ledger.pdf')
  };
}

describe('staged edits stay staff-only until published', () => {
  it('the packet page and its data show the published documents and details only', async () => {
    const { reader, packet } = await stagedWorld();
    for (const path of [`/p/${packet.id}`, `/p/${packet.id}/__data.json`]) {
      const page = await reader.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Spring review');
      expect(page.text).toContain('Published note for the client.');
      expect(page.text).toContain('Bank statement');
      expect(page.text).toContain('Ledger');
      expect(page.text).not.toContain('Payroll draft');
      expect(page.text).not.toContain('Renamed before sending');
      expect(page.text).not.toContain('A note still being written.');
      expect(page.text).not.toContain('2026-12-31');
    }
    const list = await reader.get('/p');
    expect(list.text).toContain('Spring review');
    expect(list.text).not.toContain('Renamed before sending');
  });

  it('serves no byte, picture or viewer page of a staged upload, and keeps a staged removal', async () => {
    const { db, reader, packet, staged, removed, kept } = await stagedWorld();
    await ensurePreviews(staged.blobKey);
    expect((await reader.get(`/api/files/${staged.id}`)).status).toBe(404);
    expect((await reader.get(`/api/files/${staged.id}/page-1/800`)).status).toBe(404);
    expect((await reader.get(`/p/${packet.id}/d/${staged.id}`)).status).toBe(404);
    // A question pinned to the staged document is refused like an unknown document.
    const ask = await postForm(reader, `/p/${packet.id}/d/${staged.id}?/ask`, {
      body: 'What is this payroll?',
      version: '1'
    });
    // (The action refuses it; the page it would render again is a 404 for that document.)
    expect(ask.status).toBe(404);
    const comments = await db.select().from(s.comment).where(eq(s.comment.packetId, packet.id));
    expect(comments).toEqual([]);

    for (const doc of [removed, kept]) {
      expect((await reader.get(`/api/files/${doc.id}`)).status).toBe(200);
      expect((await reader.get(`/p/${packet.id}/d/${doc.id}`)).status).toBe(200);
    }
  });

  it('staff see the working state, marked as not yet published', async () => {
    const { browser, packet } = await stagedWorld();
    const page = await browser.get(`/firm/packets/${packet.id}`);
    expect(page.text).toContain('Renamed before sending');
    expect(page.text).toContain('Payroll draft.pdf');
    expect(page.text).toContain('Unpublished changes');
    expect(page.text).toMatch(/Bank statement\.pdf[^<]*<\/[a-z]+>\s*[^]*?removed/i);
  });

  it('publishing again shows the new version: new details, the upload, without the removal', async () => {
    const { db, browser, reader, packet, staged, removed } = await stagedWorld();
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const page = await reader.get(`/p/${packet.id}`);
    expect(page.text).toContain('Renamed before sending');
    expect(page.text).toContain('A note still being written.');
    expect(page.text).toContain('Payroll draft');
    expect((await reader.get(`/api/files/${staged.id}`)).status).toBe(200);
    expect((await reader.get(`/api/files/${removed.id}`)).status).toBe(404);
    const versions = await db
      .select()
      .from(s.packetVersion)
      .where(eq(s.packetVersion.packetId, packet.id))
      .orderBy(s.packetVersion.version);
    expect(versions.map((v) => [v.version, v.title])).toEqual([
      [1, 'Spring review'],
      [2, 'Renamed before sending']
    ]);
  });

  it('a nudge mails the published title, not the one being edited', async () => {
    const { db, browser, packet } = await stagedWorld();
    const nudge = await postForm(browser, `/firm/packets/${packet.id}?/nudge`);
    expect(nudge.status).toBe(200);
    const mails = await selectOutbox(db).where(
      and(eq(s.outbox.kind, 'nudge'), eq(s.outbox.firmId, packet.firmId))
    );
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) {
      const text = JSON.stringify(m.payload);
      expect(text).toContain('Spring review');
      expect(text).not.toContain('Renamed before sending');
    }
  });
});

describe('a decision names the version it was made on', () => {
  it('approving an older version answers 409, records nothing and shows what changed', async () => {
    const { browser, reader, packet, db } = await stagedWorld();
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const stale = await postForm(reader, `/p/${packet.id}?/approve`, {
      requestId: crypto.randomUUID(),
      version: '1'
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('This packet was updated since you opened it');
    expect(stale.text).toContain('Payroll draft');
    expect(stale.text).toMatch(/Removed[^<]*Bank statement/);
    const decisions = await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id));
    expect(decisions).toHaveLength(0);

    const ok = await postForm(reader, `/p/${packet.id}?/approve`, {
      requestId: crypto.randomUUID(),
      version: '2'
    });
    expect(ok.status).toBe(200);
    const [approval] = await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id));
    expect(approval).toMatchObject({ kind: 'approve', version: 2 });
  });

  it('an approval or question without a version is refused, not pinned to the current one', async () => {
    const { reader, packet, db } = await stagedWorld();
    const approve = await postForm(reader, `/p/${packet.id}?/approve`, {
      requestId: crypto.randomUUID()
    });
    expect(approve.status).toBe(409);
    // (A page from before versions were sent: told to reload, or it would be refused forever.)
    expect(approve.text).toContain('This page is out of date. Reload it, then try again.');
    const ask = await postForm(reader, `/p/${packet.id}?/ask`, {
      body: 'Which version is this?',
      requestId: crypto.randomUUID(),
      version: 'x'
    });
    expect(ask.status).toBe(409);
    expect(ask.text).toContain('Which version is this?');
    expect(await db.select().from(s.decision).where(eq(s.decision.packetId, packet.id))).toEqual(
      []
    );
  });

  it('the approve and ask forms carry the version shown', async () => {
    const { reader, packet, kept } = await stagedWorld();
    const page = await reader.get(`/p/${packet.id}`);
    const forms = page.text.match(/<form[^]*?<\/form>/g) ?? [];
    const approve = forms.find((f) => f.includes('?/approve'))!;
    const ask = forms.find((f) => f.includes('?/ask'))!;
    for (const form of [approve, ask]) expect(form).toMatch(/name="version" value="1"/);
    const viewer = await reader.get(`/p/${packet.id}/d/${kept.id}`);
    const viewerAsk = (viewer.text.match(/<form[^]*?<\/form>/g) ?? []).find((f) =>
      f.includes('?/ask')
    );
    expect(viewerAsk).toMatch(/name="version" value="1"/);
  });
});

describe('staff take back a staged removal, and never mail a packet no one was sent', () => {
  it('"Keep it" undoes a removal not yet published; a published removal cannot be kept', async () => {
    const { browser, reader, packet, removed } = await stagedWorld();
    const kept = await postForm(browser, `/firm/packets/${packet.id}?/keepDocument`, {
      documentId: removed.id
    });
    expect(kept.status).toBe(200);
    expect(kept.text).toContain('Bank statement stays in the packet.');
    expect((await browser.get(`/firm/packets/${packet.id}`)).text).not.toMatch(
      /Removes\s*<span class="file[^"]*">Bank statement/
    );
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    expect((await reader.get(`/api/files/${removed.id}`)).status).toBe(200);

    // Removed and published: gone from the version, nothing left to keep.
    await postForm(browser, `/firm/packets/${packet.id}?/removeDocument`, {
      documentId: removed.id
    });
    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);
    const late = await postForm(browser, `/firm/packets/${packet.id}?/keepDocument`, {
      documentId: removed.id
    });
    expect(late.status).toBe(404);
    expect((await reader.get(`/api/files/${removed.id}`)).status).toBe(404);
  });

  it('refuses a reply on a packet archived before it was ever published', async () => {
    const { db, browser, client } = await staffWorld();
    const never = await createPacket(db, client, { status: 'archived', version: 0 });
    const reply = await postForm(browser, `/firm/packets/${never.id}?/reply`, {
      body: 'About the draft title'
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('Publish the packet first.');
    const mails = await selectOutbox(db).where(eq(s.outbox.firmId, never.firmId));
    expect(mails.filter((m) => m.kind === 'reply')).toEqual([]);
  });
});
