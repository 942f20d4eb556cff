// Review of issue 18: with nobody responsible for a client, its alerts go to the firm's owners;
// their mail must not tell them they are responsible for it.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn
} from '../../support/factories';
import { mailsTo } from '../../support/mail';
import { TestBrowser } from '../../support/server';

async function askAbout(responsible: 'owner' | null) {
  const db = getDb();
  const { firm, owner } = await createFirmWithStaff(db);
  const client = await createClient(db, firm.id, {
    name: 'Harbour Bakery Ltd',
    responsibleUserId: responsible === 'owner' ? owner.id : null
  });
  const { user: ada } = await createContact(db, client, { name: 'Ada Baker' });
  const packet = await createPacket(db, client, { title: 'Q3 review', period: '2026-Q3' });
  const doc = await addDocument(db, packet, { pages: 2, filename: 'statement.pdf' });
  const browser = new TestBrowser();
  await signIn(browser, ada.id, 'client');
  await browser.post(
    `/p/${packet.id}?/ask`,
    { version: '1', body: 'Which account is this?', documentId: doc.id, page: '1' },
    { accept: 'text/html' }
  );
  const alerts = await db.select().from(s.staffAlert).where(eq(s.staffAlert.firmId, firm.id));
  expect(alerts).toHaveLength(1);
  const [mail] = (await mailsTo(owner.email)).filter((m) => m.kind === 'alert_question');
  return mail;
}

describe('a question alert to the owners', () => {
  it('says they hear of it because nobody is responsible, not that they are', async () => {
    const mail = await askAbout(null);
    expect(mail.text).not.toContain('you are responsible for Harbour Bakery Ltd');
    expect(mail.html).not.toContain('you are responsible for Harbour Bakery Ltd');
  });

  it('still names the client to the responsible member', async () => {
    const mail = await askAbout('owner');
    expect(mail.text).toContain('You get this because you are responsible for Harbour Bakery Ltd.');
  });
});
