// Issue 23's sender: every mail a firm sends shows its name on the From line and replies to the
// firm; an own address is taken only on a domain verified for sending (SENDER_DOMAINS, or
// Postmark's Domains API with an account token), and Postmark refusing it later sends from the
// default address instead.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import { getConfig, resetConfig } from '../../../src/lib/server/config';
import { publishPacket } from '../../../src/lib/server/packets/publish';
import { requestSignIn } from '../../../src/lib/server/auth/sign-in';
import { createPostmarkTransport } from '../../../src/lib/server/email/postmark';
import { firmEnvelope } from '../../../src/lib/server/email/sender';
import {
  senderSettingsSchema,
  senderView,
  updateSenderSettings
} from '../../../src/lib/server/firm/sender-settings';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn,
  unique
} from '../../support/factories';
import { postForm } from '../../support/firm';
import { mailsTo } from '../../support/mail';
import { startPostmarkStub, type PostmarkStub } from '../../support/postmark-stub';
import { TestBrowser } from '../../support/server';
import { textOf } from '../../support/html';

const db = () => getDb();
const firmRow = async (id: string) =>
  (await db().select().from(s.firm).where(eq(s.firm.id, id)))[0];
const settingsAudits = (firmId: string) =>
  db()
    .select()
    .from(s.auditEvent)
    .where(and(eq(s.auditEvent.firmId, firmId), eq(s.auditEvent.action, 'firm.settings_updated')));
// The test process's MAIL_FROM, the same default the built app reads.
const defaultAddress = () => /<([^>]+)>/.exec(getConfig().MAIL_FROM)?.[1] ?? getConfig().MAIL_FROM;
const actor = (id: string) => ({ id, ip: '10.0.0.1', ua: 'vitest' });

/** A firm, its owner signed in, and a client with an approver (responsible: the staff member). */
async function world() {
  const { firm, owner, staff } = await createFirmWithStaff(db());
  const ownerBrowser = new TestBrowser();
  await signIn(ownerBrowser, owner.id, 'staff');
  const client = await createClient(db(), firm.id, {
    name: 'Harbour Bakery Ltd',
    responsibleUserId: staff.id
  });
  const ada = await createContact(db(), client, { name: 'Ada Baker' });
  return { firm, owner, staff, ownerBrowser, client, ada };
}

/** Keeps SENDER_DOMAINS for this file's own service calls, restoring the environment after. */
function withSenderDomains(domains: string) {
  const before = process.env.SENDER_DOMAINS;
  process.env.SENDER_DOMAINS = domains;
  resetConfig();
  return () => {
    if (before === undefined) delete process.env.SENDER_DOMAINS;
    else process.env.SENDER_DOMAINS = before;
    resetConfig();
  };
}

describe("the firm's name on every mail", () => {
  it('a publish mail and a staff alert come from "<firm> via Sheaf" and reply to the firm', async () => {
    const w = await world();
    const from = `"${w.firm.name} via Sheaf" <${defaultAddress()}>`;
    const packet = await createPacket(db(), w.client, { status: 'draft', title: 'Q3 review' });
    const doc = await addDocument(db(), packet, { pages: 2 });
    await publishPacket(db(), w.firm, packet.id, w.staff.id);
    const [published] = await mailsTo(w.ada.user.email);
    expect(published).toMatchObject({ kind: 'packet', from, replyTo: w.firm.replyTo });

    // A question through the contact's page: the responsible member's alert, sent by the app.
    const adaBrowser = new TestBrowser();
    await signIn(adaBrowser, w.ada.user.id, 'client');
    const asked = await adaBrowser.post(
      `/p/${packet.id}?/ask`,
      { version: '1', body: 'Page 2?', documentId: doc.id, page: '2' },
      { accept: 'text/html' }
    );
    expect(asked.status).toBe(200);
    const [alert] = (await mailsTo(w.staff.email)).filter((m) => m.kind === 'alert_question');
    expect(alert).toMatchObject({ from, replyTo: w.firm.replyTo, firmId: w.firm.id });
  });

  it('an owner sets the sender name: audited, shown, and on the next mail', async () => {
    const w = await world();
    const page = await w.ownerBrowser.get('/firm/settings');
    expect(textOf(page.text).replace(/&lt;/g, '<')).toContain(
      `Mail will show ${w.firm.name} via Sheaf <${defaultAddress()}>`
    );

    const name = 'Müller & Söhne, "Nord" Steuerberatung';
    const saved = await postForm(w.ownerBrowser, '/firm/settings?/sender', {
      senderName: name,
      fromEmail: ''
    });
    expect(saved.status).toBe(200);
    expect((await firmRow(w.firm.id)).senderName).toBe(name);
    const [audit] = await settingsAudits(w.firm.id);
    expect(audit.data).toEqual({ senderName: { from: null, to: name } });

    await requestSignIn(db(), {
      email: w.ada.user.email,
      bindingHash: 'e'.repeat(64),
      ip: '10.1.2.3',
      userAgent: 'vitest'
    });
    const [mail] = await mailsTo(w.ada.user.email);
    expect(mail.from).toBe(`"Müller & Söhne, \\"Nord\\" Steuerberatung" <${defaultAddress()}>`);
  });

  it('refuses a sender name with a line break or an address in it, and changes nothing', async () => {
    const w = await world();
    for (const senderName of ['Evil\r\nBcc: victim@example.test', 'Ann <ann@example.test>']) {
      const refused = await postForm(w.ownerBrowser, '/firm/settings?/sender', {
        senderName,
        fromEmail: ''
      });
      expect(refused.status).toBe(400);
      expect(textOf(refused.text)).toContain('Nothing was saved');
    }
    expect((await firmRow(w.firm.id)).senderName).toBeNull();
    expect(await settingsAudits(w.firm.id)).toEqual([]);
  });

  it('a staff member who is not an owner cannot set it', async () => {
    const w = await world();
    const staffBrowser = new TestBrowser();
    await signIn(staffBrowser, w.staff.id, 'staff');
    const refused = await postForm(staffBrowser, '/firm/settings?/sender', {
      senderName: 'Hijack',
      fromEmail: ''
    });
    expect(refused.status).toBe(403);
    expect((await firmRow(w.firm.id)).senderName).toBeNull();
  });
});

describe('an own address', () => {
  let restore: (() => void) | null = null;
  afterEach(() => {
    restore?.();
    restore = null;
  });

  it('on a domain not on the list is refused with the reason, and nothing changes', async () => {
    const w = await world();
    const refused = await postForm(w.ownerBrowser, '/firm/settings?/sender', {
      senderName: 'Ledgerline',
      fromEmail: 'clients@ledgerline.test'
    });
    expect(refused.status).toBe(400);
    expect(textOf(refused.text)).toContain(
      "ledgerline.test isn't on this Sheaf's list of verified domains (ask your administrator)."
    );
    const row = await firmRow(w.firm.id);
    expect(row).toMatchObject({ senderName: null, fromEmail: null });
    expect(await settingsAudits(w.firm.id)).toEqual([]);
  });

  it('on a listed domain is taken and used, and mail falls back once it is off the list', async () => {
    const w = await world();
    const domain = `${unique('books')}.test`;
    restore = withSenderDomains(`other.test, ${domain.toUpperCase()}`);
    const result = await updateSenderSettings(
      db(),
      w.firm,
      { senderName: null, fromEmail: `clients@${domain}` },
      actor(w.owner.id)
    );
    expect(result).toEqual({ ok: true, changed: true });
    const firm = await firmRow(w.firm.id);
    expect(firm.fromEmail).toBe(`clients@${domain}`);

    const packet = await createPacket(db(), w.client, { status: 'draft' });
    await addDocument(db(), packet, { pages: 1 });
    await publishPacket(db(), firm, packet.id, w.staff.id);
    const [mail] = await mailsTo(w.ada.user.email);
    expect(mail.from).toBe(`"${firm.name} via Sheaf" <clients@${domain}>`);
    expect(mail.fallbackFrom).toBe(`"${firm.name} via Sheaf" <${defaultAddress()}>`);
    expect(mail.replyTo).toBe(firm.replyTo);
    expect((await senderView(firm)).status).toMatchObject({ label: 'Verified', lapsed: false });

    restore();
    restore = null;
    // Taken off the list: the default address, replies to the firm.
    expect(firmEnvelope(firm).from).toBe(`"${firm.name} via Sheaf" <${defaultAddress()}>`);
    expect((await senderView(firm)).status).toMatchObject({ tone: 'bad', lapsed: true });
  });

  it('on the settings page shows its status', async () => {
    const w = await world();
    await db()
      .update(s.firm)
      .set({ fromEmail: 'clients@lapsed.test' })
      .where(eq(s.firm.id, w.firm.id));
    const page = textOf((await w.ownerBrowser.get('/firm/settings')).text);
    expect(page).toContain('lapsed.test: Not on this Sheaf’s list of verified domains');
    expect(page).toContain(`mail goes from ${defaultAddress()}`);
  });
});

describe('an own address checked at Postmark', () => {
  let stub: PostmarkStub;
  const config = () => ({
    ...getConfig(),
    SENDER_DOMAINS: undefined,
    POSTMARK_ACCOUNT_TOKEN: stub.accountToken,
    POSTMARK_API_URL: stub.url
  });
  beforeAll(async () => {
    stub = await startPostmarkStub();
  });
  afterAll(() => stub.close());

  const save = async (fromEmail: string, c = config()) => {
    const w = await world();
    const result = await updateSenderSettings(
      db(),
      w.firm,
      senderSettingsSchema.parse({ senderName: '', fromEmail }),
      actor(w.owner.id),
      c
    );
    return { result, row: await firmRow(w.firm.id) };
  };

  it('is taken when DKIM and Return-Path are verified', async () => {
    stub.setDomain('verified.test', { dkim: true, returnPath: true });
    const { result, row } = await save('hello@Verified.test');
    expect(result).toEqual({ ok: true, changed: true });
    expect(row.fromEmail).toBe('hello@verified.test');
    const call = stub.calls.find((c) => c.path === '/domains');
    expect(call).toBeTruthy();
  });

  it('is refused with the reason while DKIM or Return-Path is pending, or the domain is unknown', async () => {
    stub.setDomain('dkim-pending.test', { dkim: false, returnPath: true });
    stub.setDomain('rp-pending.test', { dkim: true, returnPath: false });
    const dkim = await save('hello@dkim-pending.test');
    expect(dkim.result).toEqual({
      ok: false,
      field: 'fromEmail',
      message: "dkim-pending.test isn't verified for sending: DKIM is not verified at Postmark."
    });
    expect(dkim.row.fromEmail).toBeNull();
    const rp = await save('hello@rp-pending.test');
    expect(rp.result).toMatchObject({ ok: false, message: expect.stringMatching(/Return-Path/) });
    const unknown = await save('hello@nowhere.test');
    expect(unknown.result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/nowhere\.test isn't verified for sending: it isn't a domain/)
    });
    expect(unknown.row.fromEmail).toBeNull();
  });

  it('says so plainly when Postmark cannot be reached, or refuses the token', async () => {
    const down = await startPostmarkStub();
    const url = down.url;
    await down.close();
    const unreachable = await save('hello@verified.test', { ...config(), POSTMARK_API_URL: url });
    expect(unreachable.result).toMatchObject({
      ok: false,
      message:
        'verified.test could not be checked: Postmark could not be reached. Nothing was changed; try again in a minute.'
    });
    expect(unreachable.row.fromEmail).toBeNull();
    const wrongToken = await save('hello@verified.test', {
      ...config(),
      POSTMARK_ACCOUNT_TOKEN: 'wrong'
    });
    expect(wrongToken.result).toMatchObject({
      ok: false,
      message: expect.stringContaining('Postmark answered 401 (check POSTMARK_ACCOUNT_TOKEN)')
    });
  });

  it('a From Postmark refuses at send time goes again from the default address', async () => {
    stub.refuseFromDomain('lapsed-at-postmark.test');
    const transport = createPostmarkTransport({
      token: stub.token,
      apiUrl: stub.url,
      defaultFrom: 'Sheaf <notify@sheaf.test>'
    });
    const to = `${unique('ada')}@example.test`;
    const envelope = firmEnvelope(
      {
        id: 'f',
        name: 'Ledgerline',
        senderName: null,
        fromEmail: 'clients@lapsed-at-postmark.test',
        replyTo: null
      },
      { MAIL_FROM: 'Sheaf <notify@sheaf.test>', POSTMARK_ACCOUNT_TOKEN: 't' }
    );
    const [result] = await transport.send([
      {
        id: 1,
        kind: 'packet',
        message: { kind: 'packet', to, subject: 'Hi', html: '<p>Hi</p>', text: 'Hi', ...envelope }
      }
    ]);
    expect(result.status).toBe('sent');
    const accepted = stub.accepted.filter((m) => m.To === to);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({
      From: '"Ledgerline via Sheaf" <notify@sheaf.test>',
      ReplyTo: 'clients@lapsed-at-postmark.test'
    });
  });
});
