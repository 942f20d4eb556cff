// Language per contact: which language a contact's pages and mail use (their own choice, else
// the firm's setting for them, else the firm's default), and the three places it is set.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/session';
import type { Db } from '../../../src/lib/server/db/client';
import { contactLocales } from '../../../src/lib/server/i18n/contact-locale';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import {
  addDocument,
  createClient,
  createContact,
  createFirm,
  createPacket,
  createUser,
  makePdf,
  signIn
} from '../../support/factories';
import { postForm, staffWorld, uploadPdf } from '../../support/firm';
import { latestMailTo, linkPathOf } from '../../support/mail';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';

/** The language a new session of this person's pages speaks, as the session hook reads it. */
async function signedInLocale(
  db: Db,
  userId: string,
  kind: 'client' | 'staff',
  packetId: string | null = null
) {
  const { token } = await createSession(db, userId, kind);
  const result = await validateSessionToken(db, token, packetId);
  return result.session ? result.locale : undefined;
}

const htmlLang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
/** Where the error page's last button ("go home") leads. */
const homeLinkOf = (html: string) =>
  [...html.matchAll(/<a href="([^"]*)" class="btn /g)].at(-1)?.[1];

describe('which language a contact reads', () => {
  it('takes the person’s own choice, then the firm’s setting for them, then the firm’s', async () => {
    const { db, firm, client } = await staffWorld();
    await db.update(s.firm).set({ locale: 'fr' }).where(eq(s.firm.id, firm.id));
    const own = await createContact(db, client, { locale: 'de' });
    await db.update(s.user).set({ locale: 'es' }).where(eq(s.user.id, own.user.id));
    const set = await createContact(db, client, { locale: 'de' });
    const plain = await createContact(db, client);
    const stranger = await createUser(db);

    const found = await contactLocales(db, firm.id, [
      own.user.id,
      set.user.id,
      plain.user.id,
      stranger.id
    ]);
    expect(Object.fromEntries(found)).toEqual({
      [own.user.id]: 'es',
      [set.user.id]: 'de',
      [plain.user.id]: 'fr',
      [stranger.id]: 'fr'
    });
    expect(await signedInLocale(db, own.user.id, 'client')).toBe('es');
    expect(await signedInLocale(db, set.user.id, 'client')).toBe('de');
    expect(await signedInLocale(db, plain.user.id, 'client')).toBe('fr');
    // Staff pages stay English unless the person chose otherwise.
    expect(await signedInLocale(db, plain.user.id, 'staff')).toBe('en');
  });

  it('a new packet’s title starts in the firm’s language, one or many clients', async () => {
    const { db, firm, browser } = await staffWorld();
    const titleOf = (html: string) =>
      /value="([^"]*)"/.exec(/<input[^>]*name="title"[^>]*>/.exec(html)?.[0] ?? '')?.[1];
    expect(titleOf((await browser.get('/firm/packets/new')).text)).toBe('Quarterly review');
    await db.update(s.firm).set({ locale: 'es' }).where(eq(s.firm.id, firm.id));
    expect(titleOf((await browser.get('/firm/packets/new')).text)).toBe('Revisión trimestral');
    expect(titleOf((await browser.get('/firm/packets/bulk')).text)).toBe('Revisión trimestral');
  });

  it('a contact of two firms reads each packet in that packet’s firm’s language', async () => {
    const { db, client } = await staffWorld();
    const { contact, user } = await createContact(db, client, { locale: 'de' });
    const other = await createFirm(db, { locale: 'es' });
    const otherClient = await createClient(db, other.id);
    await db.insert(s.clientContact).values({
      firmId: other.id,
      clientId: otherClient.id,
      userId: user.id,
      name: contact.name
    });
    const theirs = await createPacket(db, otherClient, { status: 'published', version: 1 });
    expect(await signedInLocale(db, user.id, 'client', theirs.id)).toBe('es');
    expect(await signedInLocale(db, user.id, 'client')).toBe('de');
  });
});

describe('mail in the recipient’s language', () => {
  it('a publish mails a Spanish contact in Spanish and an English one in English', async () => {
    const { db, browser, client, contacts } = await staffWorld();
    const [ada, vic] = contacts;
    await db
      .update(s.clientContact)
      .set({ locale: 'es' })
      .where(eq(s.clientContact.id, ada.contact.id));
    const packet = await createPacket(db, client, { status: 'draft', period: '2026-Q3' });
    await uploadPdf(browser, packet.id, 'statements.pdf', await makePdf(2));

    // Staff's preview shows what Ada gets, and says so: not English for everyone.
    const preview = textOf((await browser.get(`/firm/packets/${packet.id}`)).text);
    expect(preview).toMatch(/Subject: .{0,200}?ya está disponible para revisar/);
    expect(preview).toContain('As Ada Approver gets it, in Español.');
    expect(preview).toContain('Each contact gets it in their language (Español, English).');
    const sheet = textOf((await browser.get(`/firm/packets/${packet.id}?publish=confirm`)).text);
    expect(sheet).toMatch(
      /Subject for approvers in Español: .{0,200}?ya está disponible para revisar/
    );
    expect(sheet).toMatch(/Subject for viewers in English: .{0,200}?for your information/);
    expect(sheet).toContain('Reads it in Español');

    expect((await postForm(browser, `/firm/packets/${packet.id}?/publish`)).status).toBe(200);

    const spanish = await latestMailTo(ada.user.email);
    expect(spanish.subject).toContain('ya está disponible para revisar');
    expect(spanish.subject).toContain('T3 2026');
    expect(spanish.text).toContain('Hola, Ada:');
    expect(spanish.text).toContain('Revisar documentos:');
    expect(spanish.text).toContain('Este enlace funciona hasta');
    expect(spanish.text).toContain('no reenvíe este correo');
    expect(spanish.text).toContain('(2 páginas)');
    expect(spanish.html).toContain('<html lang="es">');

    const english = await latestMailTo(vic.user.email);
    expect(english.subject).toContain('for your information');
    expect(english.html).toContain('<html lang="en">');

    // The link's page speaks the mail's language, before anyone signs in.
    const stranger = new TestBrowser();
    const page = await stranger.get(linkPathOf(spanish));
    expect(page.status).toBe(200);
    expect(htmlLang(page.text)).toBe('es');
    expect(page.text).toContain('Continuar');
  });
});

describe('from a link’s page on', () => {
  it('a Spanish contact’s used link leads to a sign-in page in Spanish', async () => {
    const { db, firm, client } = await staffWorld();
    const { user } = await createContact(db, client, { locale: 'es' });
    const packet = await createPacket(db, client, { status: 'published', version: 1 });
    const link = await issueMagicLink(db, {
      userId: user.id,
      purpose: 'packet',
      firmId: firm.id,
      packetId: packet.id,
      redirectTo: `/p/${packet.id}`
    });
    expect((await new TestBrowser().post(`/l/${link.token}`)).status).toBe(303);

    // Another phone, its browser in English.
    const phone = new TestBrowser();
    const english = { accept: 'text/html', 'accept-language': 'en-US,en;q=0.9' };
    const used = await phone.get(`/l/${link.token}`, english);
    expect(htmlLang(used.text)).toBe('es');
    expect(used.text).toContain('href="/sign-in"');
    // Followed in the app, the root layout's language is read again, not kept from the link's
    // page (where it was the browser's: the link's is its page's own).
    type Nodes = { nodes: ({ uses?: { url?: number } } | null)[] };
    const data = await phone.get(`/l/${link.token}/__data.json`, english);
    expect(data.json<Nodes>().nodes[0]?.uses?.url).toBeTruthy();
    const signIn = await phone.get('/sign-in', english);
    expect(htmlLang(signIn.text)).toBe('es');
    expect(signIn.text).toContain('Iniciar sesión');
    const signInData = await phone.get('/sign-in/__data.json', english);
    expect(signInData.text).toContain('"es"');
    const refused = await postForm(phone, '/sign-in', { email: 'not an address' });
    expect(refused.text).toContain('Eso no parece una dirección de correo electrónico.');
  });
});

describe('setting a language', () => {
  it('a contact chooses theirs in /account: saved, audited, and the pages follow', async () => {
    const { db, client } = await staffWorld();
    const { user } = await createContact(db, client, { locale: 'de' });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    expect(htmlLang((await browser.get('/p')).text)).toBe('de');

    const saved = await postForm(browser, '/account?/language', { locale: 'es' });
    expect(saved.status).toBe(200);
    const [row] = await db.select().from(s.user).where(eq(s.user.id, user.id));
    expect(row.locale).toBe('es');
    const audits = await db
      .select()
      .from(s.auditEvent)
      .where(
        and(
          eq(s.auditEvent.subject, `user:${user.id}`),
          eq(s.auditEvent.action, 'account.language_changed')
        )
      );
    expect(audits.map((a) => a.data)).toEqual([{ from: null, to: 'es' }]);
    const inbox = await browser.get('/p');
    expect(htmlLang(inbox.text)).toBe('es');
    expect(inbox.text).toContain('Sus documentos');

    // An unknown language: a clear 400 in the contact's language, nothing changed.
    const refused = await postForm(browser, '/account?/language', { locale: 'pt' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Elija un idioma de la lista.');
    const [still] = await db.select().from(s.user).where(eq(s.user.id, user.id));
    expect(still.locale).toBe('es');

    // "As your firm set it" clears the choice.
    await postForm(browser, '/account?/language', { locale: '' });
    const [cleared] = await db.select().from(s.user).where(eq(s.user.id, user.id));
    expect(cleared.locale).toBeNull();
  });

  it('staff set a contact’s language on every row the person has in the firm', async () => {
    const { db, browser, firm, client, contacts } = await staffWorld();
    const [ada] = contacts;
    const second = await createClient(db, firm.id, { name: 'Second Co' });
    await db.insert(s.clientContact).values({
      firmId: firm.id,
      clientId: second.id,
      userId: ada.user.id,
      name: 'Ada'
    });
    const url = `/firm/clients/${client.id}?/contactLanguage`;
    expect((await postForm(browser, url, { contactId: ada.contact.id, locale: 'fr' })).status).toBe(
      200
    );
    const rows = await db
      .select({ locale: s.clientContact.locale })
      .from(s.clientContact)
      .where(eq(s.clientContact.userId, ada.user.id));
    expect(rows.map((r) => r.locale)).toEqual(['fr', 'fr']);
    const [audit] = await db
      .select()
      .from(s.auditEvent)
      .where(and(eq(s.auditEvent.firmId, firm.id), eq(s.auditEvent.action, 'contact.updated')));
    expect(audit.data).toMatchObject({
      contactId: ada.contact.id,
      locale: { from: null, to: 'fr' }
    });

    const refused = await postForm(browser, url, { contactId: ada.contact.id, locale: 'xx' });
    expect(refused.status).toBe(400);
    const after = await db
      .select({ locale: s.clientContact.locale })
      .from(s.clientContact)
      .where(eq(s.clientContact.id, ada.contact.id));
    expect(after[0].locale).toBe('fr');
  });

  it('an owner sets the firm’s default; a bad value is a 400 that changes nothing', async () => {
    const { db, firm, owner } = await staffWorld();
    const browser = new TestBrowser();
    await signIn(browser, owner.id, 'staff');
    const saved = await postForm(browser, '/firm/settings?/language', { locale: 'de' });
    expect(saved.status).toBe(200);
    // Success is not a field error: no red message under the select.
    expect(saved.text).not.toContain('id="firm-locale-error"');
    expect(saved.text).not.toMatch(/id="firm-locale"[^>]*aria-invalid/);
    const [row] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(row.locale).toBe('de');
    const refused = await postForm(browser, '/firm/settings?/language', { locale: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="firm-locale-error"');
    const [still] = await db.select().from(s.firm).where(eq(s.firm.id, firm.id));
    expect(still.locale).toBe('de');

    // The settings page itself stays in its reader's language: the browser speaks a page's
    // `locale` (hooks.client.ts), and this page's data named the clients' German one, so an
    // English owner's app bar and messages turned German once the page had loaded.
    const data = await browser.get('/firm/settings/__data.json');
    const nodes = (JSON.parse(data.text) as { nodes: ({ data?: unknown[] } | null)[] }).nodes;
    const page = nodes.at(-1)!.data!;
    const keys = Object.keys(page[0] as object);
    expect(keys).toContain('clientLocale');
    expect(keys).not.toContain('locale');
    expect(page[(page[0] as Record<string, number>).clientLocale]).toBe('de');
    expect(htmlLang((await browser.get('/firm/settings')).text)).toBe('en');
  });
});

describe('a Spanish contact’s refusals and error pages', () => {
  async function spanishContact() {
    const { db, client } = await staffWorld();
    const { user } = await createContact(db, client, { locale: 'es' });
    const packet = await createPacket(db, client, { title: 'Revisión T3', period: '2026-Q3' });
    const doc = await addDocument(db, packet, { pages: 2, filename: 'Extractos.pdf' });
    const browser = new TestBrowser();
    await signIn(browser, user.id, 'client');
    return { db, client, packet, doc, browser };
  }

  it('a refused decision or question says why in Spanish', async () => {
    const { db, client, packet, doc, browser } = await spanishContact();
    const outdated = await postForm(browser, `/p/${packet.id}?/approve`, {
      requestId: crypto.randomUUID()
    });
    expect(outdated.status).toBe(409);
    expect(htmlLang(outdated.text)).toBe('es');
    expect(outdated.text).toContain(
      'Esta página no está actualizada. Vuelva a cargarla e inténtelo de nuevo.'
    );
    const unreadable = await postForm(browser, `/p/${packet.id}?/approve`, {
      version: '1',
      requestId: 'x'
    });
    expect(unreadable.status).toBe(400);
    expect(unreadable.text).toContain('No se ha podido leer esa solicitud.');

    // A request id someone else spent.
    const requestId = crypto.randomUUID();
    const other = await createContact(db, client);
    const otherBrowser = new TestBrowser();
    await signIn(otherBrowser, other.user.id, 'client');
    const theirs = await postForm(otherBrowser, `/p/${packet.id}?/approve`, {
      version: '1',
      requestId
    });
    expect(theirs.status).toBe(200);
    const reused = await postForm(browser, `/p/${packet.id}?/approve`, { version: '1', requestId });
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('Esa solicitud ya se ha usado.');

    // Withdrawing once staff acted on the approval.
    expect((await postForm(browser, `/p/${packet.id}?/approve`, { version: '1' })).status).toBe(
      200
    );
    await db.update(s.packet).set({ status: 'archived' }).where(eq(s.packet.id, packet.id));
    const late = await postForm(browser, `/p/${packet.id}?/withdraw`, { version: '1' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('Su asesor ya ha actuado sobre esta aprobación');
    await db.update(s.packet).set({ status: 'published' }).where(eq(s.packet.id, packet.id));

    // Questions: a page the document does not have, one too long, a document not in the packet.
    const page = await postForm(browser, `/p/${packet.id}/d/${doc.id}?/ask`, {
      version: '1',
      body: '¿Qué cuenta es esta?',
      page: '3'
    });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Ese documento tiene 2 páginas.');
    const long = await postForm(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body: 'x'.repeat(2001)
    });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Su pregunta debe tener menos de 2000 caracteres.');
    const elsewhere = await postForm(browser, `/p/${packet.id}?/ask`, {
      version: '1',
      body: '¿Y este?',
      documentId: crypto.randomUUID()
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('Ese documento no está en esta carpeta.');
  });

  it('a page that is not there, or not theirs, is a 404 in Spanish', async () => {
    const { browser } = await spanishContact();
    for (const path of [`/p/${crypto.randomUUID()}`, '/p/not-a-packet', '/no-such-page']) {
      const page = await browser.get(path, { accept: 'text/html' });
      expect([path, page.status]).toEqual([path, 404]);
      expect(htmlLang(page.text)).toBe('es');
      expect(page.headers.get('content-language')).toBe('es');
      expect(page.text).toContain('<title>Página no encontrada · Sheaf</title>');
      expect(page.text).toContain('No encontramos esa página');
      expect(page.text).toContain('Si alguien le envió este enlace, pídale uno nuevo.');
      // Home for a signed-in client is their packets, not the English front page.
      expect(homeLinkOf(page.text)).toBe('/p');
    }
    // Signed out, the browser's language decides.
    const stranger = new TestBrowser();
    const page = await stranger.get('/no-such-page', {
      accept: 'text/html',
      'accept-language': 'es-ES,es;q=0.9'
    });
    expect(page.status).toBe(404);
    expect(htmlLang(page.text)).toBe('es');
    expect(page.text).toContain('No encontramos esa página');
    expect(homeLinkOf(page.text)).toBe('/');
    // …and that home, the front page, speaks it too: every word, not just <html lang>.
    const home = await stranger.get('/', { accept: 'text/html', 'accept-language': 'es' });
    expect(htmlLang(home.text)).toBe('es');
    expect(home.text).toContain('<title>Sheaf · el portal de clientes para asesorías contables');
    expect(home.text).toContain('Los documentos de su asesor, a un toque del correo.');
    expect(home.text).toContain('Cómo funciona');
    expect(home.text).toContain('Iniciar sesión');
    for (const english of ['How it works', 'Sign in', 'Approve', 'Bookkeeping', '6 pages']) {
      expect(home.text).not.toContain(english);
    }
  });

  it('the front page is in French, German or English as the browser asks', async () => {
    const browser = new TestBrowser();
    for (const [lang, heading] of [
      ['fr', 'Comment ça marche'],
      ['de', 'So funktioniert es'],
      ['en', 'How it works']
    ]) {
      const home = await browser.get('/', { accept: 'text/html', 'accept-language': lang });
      expect(htmlLang(home.text)).toBe(lang);
      expect(home.text).toContain(heading);
    }
  });

  it('staff’s error page leads home to the firm', async () => {
    const { browser } = await staffWorld();
    const page = await browser.get('/no-such-page', { accept: 'text/html' });
    expect(page.status).toBe(404);
    expect(homeLinkOf(page.text)).toBe('/firm');
  });

  it('a passkey asked for without a session is refused in the browser’s language', async () => {
    const stranger = new TestBrowser();
    const answer = await stranger.request('POST', '/api/passkeys/register/options', {
      body: '{}',
      headers: { 'content-type': 'application/json', 'accept-language': 'es' }
    });
    expect(answer.status).toBe(401);
    expect(answer.json<{ error: string }>().error).toBe('Inicie sesión primero.');
  });
});
