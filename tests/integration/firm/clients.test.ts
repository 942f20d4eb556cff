import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as s from '../../../src/lib/server/db/schema';
import { importClientsCsv } from '../../../src/lib/server/packets/csv-import';
import { postForm, staffWorld } from '../../support/firm';
import { createFirm, createFirmWithStaff, signIn, unique } from '../../support/factories';
import { textOf } from '../../support/html';
import { TestBrowser } from '../../support/server';
import { getDb } from '../../../src/lib/server/db/client';
import { selectOutbox } from '../../support/outbox';

const clientsOf = (firmId: string) =>
  getDb().select().from(s.client).where(eq(s.client.firmId, firmId));
const contactsOf = (firmId: string) =>
  getDb().select().from(s.clientContact).where(eq(s.clientContact.firmId, firmId));

describe('clients and contacts', () => {
  it('creates, searches, archives and restores a client', async () => {
    const { browser, firm } = await staffWorld();
    const bad = await postForm(browser, '/firm/clients?/create', { name: '', code: 'has space' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter the client name.');
    const created = await postForm(browser, '/firm/clients?/create', {
      name: 'Birch Dental',
      code: 'birch'
    });
    expect(created.status).toBe(303);
    const id = created.location!.split('/').pop()!;
    const dup = await postForm(browser, '/firm/clients?/create', { name: 'Other', code: 'BIRCH' });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('Another client already uses the code BIRCH.');

    const found = await browser.get('/firm/clients?q=birch');
    expect(found.text).toContain('Birch Dental');
    expect((await browser.get('/firm/clients?q=zzz-nothing')).text).not.toContain('Birch Dental');

    expect((await postForm(browser, '/firm/clients?/archive', { clientId: id })).status).toBe(200);
    expect((await browser.get('/firm/clients')).text).not.toContain('Birch Dental');
    expect((await browser.get('/firm/clients?archived=1')).text).toContain('Birch Dental');
    await postForm(browser, '/firm/clients?/archive', { clientId: id, restore: '1' });
    const [row] = (await clientsOf(firm.id)).filter((c) => c.id === id);
    expect(row.archivedAt).toBeNull();
  });

  it('says once that there are no clients yet, without a count or a search of nothing', async () => {
    const { staff } = await createFirmWithStaff(getDb());
    const browser = new TestBrowser();
    await signIn(browser, staff.id, 'staff');
    const page = await browser.get('/firm/clients');
    const text = textOf(page.text);
    expect(text).toContain('No clients yet');
    expect(text).not.toContain('0 clients');
    expect(page.text).not.toContain('aria-label="Search clients"');

    const { browser: other } = await staffWorld();
    const none = textOf((await other.get('/firm/clients?q=zzz-nothing')).text);
    expect(none).toContain('No clients match your search.');
    expect(none).not.toContain('0 clients');
  });

  it('edits a client: the new name and code are saved, shown and audited', async () => {
    const { db, browser, firm, staff, client } = await staffWorld();
    const other = await postForm(browser, '/firm/clients?/create', {
      name: 'Taken Ltd',
      code: unique('taken').toUpperCase()
    });
    const takenCode = (await clientsOf(firm.id)).find((c) => c.name === 'Taken Ltd')!.code;
    expect(other.status).toBe(303);
    const code = unique('bakery');
    const saved = await postForm(browser, `/firm/clients/${client.id}?/update`, {
      name: '  Acme Bakery & Café  ',
      code
    });
    expect(saved.status).toBe(200);
    const [row] = await db.select().from(s.client).where(eq(s.client.id, client.id));
    expect(row).toMatchObject({ name: 'Acme Bakery & Café', code: code.toUpperCase() });
    // The page comes back with the saved values (no JavaScript: the form re-renders).
    expect(saved.text).toContain('Acme Bakery &amp; Café');
    expect(saved.text).toContain(`value="${code.toUpperCase()}"`);
    const page = await browser.get(`/firm/clients/${client.id}`);
    expect(page.text).toContain('Acme Bakery &amp; Café');
    const audit = await db
      .select()
      .from(s.auditEvent)
      .where(
        and(
          eq(s.auditEvent.subject, `client:${client.id}`),
          eq(s.auditEvent.action, 'client.updated')
        )
      );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ firmId: firm.id, actorId: staff.id });
    // Another client's code is refused, and nothing changes.
    const clash = await postForm(browser, `/firm/clients/${client.id}?/update`, {
      name: 'Acme Bakery',
      code: takenCode
    });
    expect(clash.status).toBe(400);
    expect(clash.text).toContain(`Another client already uses the code ${takenCode}.`);
    const [unchanged] = await db.select().from(s.client).where(eq(s.client.id, client.id));
    expect(unchanged).toMatchObject({ name: 'Acme Bakery & Café', code: code.toUpperCase() });
  });

  it('adds a contact with an explicit invite, a guest expiry, and removes them', async () => {
    const { browser, client, db } = await staffWorld();
    const email = `${unique('guest')}@example.test`;
    const bad = await postForm(browser, `/firm/clients/${client.id}?/addContact`, {
      email: 'not-an-address',
      name: 'X',
      role: 'approver',
      accessExpiresAt: ''
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter an email address');
    const added = await postForm(browser, `/firm/clients/${client.id}?/addContact`, {
      email: email.toUpperCase(),
      name: 'Gus Guest',
      role: 'viewer',
      accessExpiresAt: '2099-01-31',
      invite: '1'
    });
    expect(added.status).toBe(200);
    expect(added.text).toContain('and sent an invitation.');
    const [person] = await db.select().from(s.user).where(eq(s.user.email, email));
    const [contact] = await db
      .select()
      .from(s.clientContact)
      .where(and(eq(s.clientContact.clientId, client.id), eq(s.clientContact.userId, person.id)));
    expect(contact.role).toBe('viewer');
    expect(contact.accessExpiresAt?.toISOString().slice(0, 10)).toBe('2099-01-31');
    const invites = (await selectOutbox(db).where(eq(s.outbox.kind, 'invite'))).filter(
      (o) => (o.payload as { to: string }).to === email
    );
    expect(invites).toHaveLength(1);
    const again = await postForm(browser, `/firm/clients/${client.id}?/addContact`, {
      email,
      name: '',
      role: 'approver',
      accessExpiresAt: ''
    });
    expect(again.status).toBe(400);
    expect(again.text).toContain('already a contact');

    const removed = await postForm(browser, `/firm/clients/${client.id}?/removeContact`, {
      contactId: contact.id
    });
    expect(removed.status).toBe(200);
    expect(
      await db.select().from(s.clientContact).where(eq(s.clientContact.id, contact.id))
    ).toEqual([]);
  });
});

describe('CSV import', () => {
  const header = 'client name,code,contact name,email,role\n';

  it('reports missing columns and imports nothing', async () => {
    const firm = await createFirm();
    const result = await importClientsCsv(getDb(), firm, 'name,email\nAcme,a@b.test\n');
    expect(result.fileError).toMatch(/Missing columns: client name, code/);
    expect(await clientsOf(firm.id)).toEqual([]);
  });

  it('lists bad addresses, bad roles and duplicates per line, and imports the good rows', async () => {
    const firm = await createFirm();
    const csv =
      header +
      'Acme Ltd,ACME,Ann,ann@acme.test,approver\n' +
      'Acme Ltd,ACME,Bob,bob(at)acme.test,viewer\n' +
      'Acme Ltd,acme,Ann again,ANN@acme.test,\n' +
      'Birch,BIRCH,Cy,cy@birch.test,boss\n' +
      'Birch,BIRCH,,,viewer\n' +
      'Cedar,CEDAR,Di,di@cedar.test,viewer\n';
    const result = await importClientsCsv(getDb(), firm, csv, { invite: false });
    expect(result.errors).toEqual([
      { line: 3, message: '"bob(at)acme.test" is not an email address' },
      { line: 4, message: 'duplicate of line 2 (ann@acme.test for ACME)' },
      { line: 5, message: 'role "boss" must be approver or viewer' },
      { line: 6, message: 'email is missing' }
    ]);
    expect(result).toMatchObject({ clientsCreated: 2, contactsAdded: 2, unchanged: 0 });
    expect((await clientsOf(firm.id)).map((c) => c.code).sort()).toEqual(['ACME', 'CEDAR']);
  });

  it('a dry run writes nothing; a re-import is idempotent', async () => {
    const firm = await createFirm();
    const csv =
      header +
      'Oak & Co,OAK,Olga,olga@oak.test,approver\n' +
      'Oak & Co,OAK,Otto,otto@oak.test,viewer\n';
    const dry = await importClientsCsv(getDb(), firm, csv, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, clientsCreated: 1, contactsAdded: 2 });
    expect(await clientsOf(firm.id)).toEqual([]);
    const first = await importClientsCsv(getDb(), firm, csv, { invite: false });
    expect(first).toMatchObject({ clientsCreated: 1, contactsAdded: 2, unchanged: 0 });
    const second = await importClientsCsv(getDb(), firm, csv, { invite: false });
    expect(second).toMatchObject({ clientsCreated: 0, contactsAdded: 0, unchanged: 2 });
    expect(await clientsOf(firm.id)).toHaveLength(1);
    expect(await contactsOf(firm.id)).toHaveLength(2);
    const dryAgain = await importClientsCsv(getDb(), firm, csv, { dryRun: true });
    expect(dryAgain).toMatchObject({ clientsCreated: 0, contactsAdded: 0, unchanged: 2 });
  });

  it('imports through the clients page with a preview first', async () => {
    const { browser, firm } = await staffWorld();
    const csv = header + 'Pine,PINE,Pat,pat@pine.test,approver\nPine,PINE,Bad,nope,viewer\n';
    const preview = await postForm(browser, '/firm/clients?/import', { csv, dryRun: '1' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Preview — nothing saved yet');
    expect(preview.text).toContain('Line 3:');
    expect((await clientsOf(firm.id)).some((c) => c.code === 'PINE')).toBe(false);
    const imported = await postForm(browser, '/firm/clients?/import', { csv });
    expect(imported.status).toBe(200);
    expect((await clientsOf(firm.id)).some((c) => c.code === 'PINE')).toBe(true);
    const missing = await postForm(browser, '/firm/clients?/import', { csv: 'a,b\n1,2\n' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Missing columns');
  });

  it('imports a chosen file posted as multipart/form-data, as the clients page sends it', async () => {
    const { browser, firm } = await staffWorld();
    const code = unique('ELM').toUpperCase();
    const csv =
      header +
      `Elm Ltd,${code},Eve,eve-${code.toLowerCase()}@elm.test,viewer\nElm Ltd,${code},Bad,nope,\n`;
    /** The form as a browser sends it: the file input, the dry-run button, the hidden csv. */
    const send = (fields: { file?: File; dryRun?: boolean; csv?: string }) => {
      const form = new FormData();
      // A file input with nothing chosen still sends a part: no name, no bytes.
      form.append('file', fields.file ?? new File([], '', { type: 'application/octet-stream' }));
      if (fields.csv !== undefined) form.append('csv', fields.csv);
      if (fields.dryRun) form.append('dryRun', '1');
      return browser.request('POST', '/firm/clients?/import', {
        body: form,
        headers: { accept: 'text/html' }
      });
    };
    const file = new File([csv], 'clients.csv', { type: 'text/csv' });

    // Preview: nothing saved; the page keeps the file's text for the import that follows.
    const preview = await send({ file, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Preview — nothing saved yet');
    expect(preview.text).toContain('Line 3:');
    expect((await clientsOf(firm.id)).some((c) => c.code === code)).toBe(false);
    const kept = /<input type="hidden" name="csv" value="([^"]*)"/.exec(preview.text);
    expect(kept).not.toBeNull();

    // Import without JavaScript: the page reloaded, so the file input is empty and the hidden
    // field carries the previewed text.
    const unescaped = kept![1]
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    const imported = await send({ csv: unescaped });
    expect(imported.status).toBe(200);
    expect(imported.text).toContain('Imported:');
    const [elm] = (await clientsOf(firm.id)).filter((c) => c.code === code);
    expect(elm.name).toBe('Elm Ltd');
    expect((await contactsOf(firm.id)).filter((c) => c.clientId === elm.id)).toHaveLength(1);

    // With JavaScript the chosen file is still in its input: the same file again changes nothing.
    const again = await send({ file });
    expect(again.status).toBe(200);
    expect(again.text.replace(/\s+/g, ' ')).toContain(
      '0 new clients, 0 new contacts, 1 already there'
    );

    // No file and no text.
    const empty = await send({});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Choose a CSV file or paste its contents.');
  });
});
