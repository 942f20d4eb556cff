// Hostile text in every field a firm or a client can fill in (the firm's profile, staff and
// colleagues' names, clients and contacts typed or imported by CSV, packet details, questions and
// replies), entered through the UI, then shown on the staff pages, the client pages, the link
// confirm page, the viewer and the mails in the dev mailbox: nothing runs and the text reads
// literally. Any dialog (alert) fails the test, and an inline script injected into a page is
// blocked by the Content-Security-Policy.
import { expect, test, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { confirmPublish } from './support/firm';
import {
  completeSetup,
  findSetupUrl,
  linkPathOf,
  signInByEmail,
  useOwnIp,
  waitForMail
} from './support/auth';
import { newPhoneContext } from './support/phone';

const OWNER = 'ann@smith.example';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS_URL = 'javascript:alert(1)';
const payload = (field: string) => `${field} ${SCRIPT} ${IMG} ${JS_URL}`;

/** A CSV cell, quoted (the payloads carry quotes and spaces). */
const cell = (value: string) => `"${value.replaceAll('"', '""')}"`;

// The firm's name and the owner's name before this test made them hostile, put back after it
// so the specs that run later in the same server see the firm as the first-run project made it.
const restore: { firmName?: string; ownerName?: string } = {};

test.afterEach(async ({ page }) => {
  if (restore.firmName !== undefined) {
    await page.goto('/firm/settings');
    await page.getByLabel('Firm name').fill(restore.firmName);
    await page.getByLabel('Reply-to address (optional)').fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('banner')).toContainText(restore.firmName);
    restore.firmName = undefined;
  }
  if (restore.ownerName !== undefined) {
    await page.goto('/account');
    await page.getByLabel('Name', { exact: true }).fill(restore.ownerName);
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect(page.getByText('Saved', { exact: true })).toBeVisible();
    restore.ownerName = undefined;
  }
});

async function pdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('Statement', { x: 56, y: 720, size: 18, font });
  return Buffer.from(await doc.save());
}

/** Fails the test on any dialog, and records CSP violations the page reports. */
function guard(page: Page, dialogs: string[]) {
  page.on('dialog', async (dialog) => {
    dialogs.push(`${page.url()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
}

/** An inline script added to the page must not run: the CSP allows none. */
async function expectInlineScriptBlocked(page: Page) {
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__xssRan = true';
    // An inline script the CSP allowed would run as it is inserted: no waiting needed to know.
    document.body.append(s);
    return (window as { __xssRan?: boolean }).__xssRan === true;
  });
  expect(ran, `inline script ran on ${page.url()}`).toBe(false);
}

/** No element carries an event-handler attribute or a javascript: link from our payloads. */
async function expectNoLiveMarkup(page: Page) {
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) bad.push(`${el.tagName} ${attr.name}`);
        if (
          /^(href|src|action|formaction)$/i.test(attr.name) &&
          /^\s*javascript:/i.test(attr.value)
        )
          bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
      }
    }
    for (const s of document.querySelectorAll('script')) {
      // An injected <script>alert(1)</script> (SvelteKit's own data script carries the text
      // escaped, as \u003Cscript>, which is data, not code).
      if ((s.textContent ?? '').trim() === 'alert(1)') bad.push('script alert(1)');
    }
    for (const img of document.querySelectorAll('img[src="x"]')) bad.push(img.outerHTML);
    return bad;
  });
  expect(found, page.url()).toEqual([]);
}

test('hostile text in every field is shown as text and never runs', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one run is enough; the pages are the same');
  test.setTimeout(300_000);
  const dialogs: string[] = [];
  guard(page, dialogs);

  const setupUrl = findSetupUrl(baseURL!);
  let firmIsHostile = false;
  if (setupUrl) {
    await page.goto(setupUrl);
    const firstRun = await page
      .getByLabel('Firm name')
      .waitFor({ timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    if (firstRun) {
      await completeSetup(page, setupUrl, {
        firmName: payload('Firm'),
        ownerName: payload('Owner'),
        email: OWNER
      });
      firmIsHostile = true;
    }
  }
  await signInByEmail(page, OWNER);
  testInfo.annotations.push({
    type: 'firm name',
    description: firmIsHostile ? 'hostile (this run did /setup)' : 'set up by an earlier spec'
  });

  const tag = Date.now().toString(36);

  // The firm's profile through the settings form: a hostile reply-to is refused and shown back
  // literally in its field; the hostile firm name is saved.
  const firmName = payload('Firm');
  await page.goto('/firm/settings');
  const firmField = page.getByLabel('Firm name');
  restore.firmName = await firmField.inputValue();
  await firmField.fill(firmName);
  const replyTo = page.getByLabel('Reply-to address (optional)');
  await replyTo.fill(payload('Reply-to'));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Nothing was saved: check the highlighted fields.')).toBeVisible();
  await expect(replyTo).toHaveValue(payload('Reply-to'));
  await expect(firmField).toHaveValue(firmName);
  await expectNoLiveMarkup(page);
  // An address that is valid yet carries a quote is stored and shown as typed.
  const oddReplyTo = `o'hara+${tag}@smith.example`;
  await replyTo.fill(oddReplyTo);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Nothing was saved')).toHaveCount(0);
  await page.reload();
  await expect(firmField).toHaveValue(firmName);
  await expect(replyTo).toHaveValue(oddReplyTo);
  await expect(page.getByRole('banner')).toContainText(firmName);
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);

  // The owner's own name on /account.
  const staffName = payload('Staff');
  await page.goto('/account');
  const nameField = page.getByLabel('Name', { exact: true });
  restore.ownerName = await nameField.inputValue();
  await nameField.fill(staffName);
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
  await page.reload();
  await expect(nameField).toHaveValue(staffName);
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);
  await page.goto('/firm');
  await expect(page.getByRole('banner')).toContainText(firmName);
  await expectNoLiveMarkup(page);

  // Clients and contacts imported from a CSV with hostile names: the preview, the import, the
  // client list and the client's page show them as text.
  const csvClient = payload(`CSV client ${tag}`);
  const csvContact = payload('CSV contact');
  const csvEmail = `csv-${tag}@harbour.example`;
  const csv = [
    'client name,code,contact name,email,role',
    [cell(csvClient), `CSV${tag}`, cell(csvContact), csvEmail, 'approver'].join(',')
  ].join('\n');
  await page.goto('/firm/clients');
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'clients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview (dry run)' }).click();
  await expect(page.getByText('Preview — nothing saved yet:')).toBeVisible();
  await expect(page.getByText(csvClient, { exact: true })).toBeVisible();
  await expect(page.getByText(`${csvContact} · ${csvEmail}`)).toBeVisible();
  await expectNoLiveMarkup(page);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Imported:')).toBeVisible();
  await expect(page.getByText(csvClient, { exact: true }).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await page.goto('/firm/clients');
  await page.getByRole('link', { name: new RegExp(`CSV client ${tag}`) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(csvClient);
  await expect(page.getByText(csvContact).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);

  // A client and a contact with hostile names.
  await page.goto('/firm/clients');
  await page.getByLabel('Name', { exact: true }).fill(payload(`Client ${tag}`));
  // A client code is letters, digits, dot, dash and underscore: markup is refused outright.
  await page.getByLabel('Code', { exact: true }).fill(`X${tag}${IMG}`);
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByText('Letters, digits, dot, dash and underscore only.')).toBeVisible();
  await expectNoLiveMarkup(page);
  await page.getByLabel('Code', { exact: true }).fill(`X${tag}`);
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Client ${tag}`);
  const email = `xss-${tag}@harbour.example`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).first().fill(payload('Contact'));
  await page.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByText(email).first()).toBeVisible();
  await expectNoLiveMarkup(page);

  // A packet with a hostile title, note and file name.
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByLabel('Title').fill(payload('Title'));
  await page.getByLabel('Note to the client (optional)').fill(payload('Note'));
  // The period is chosen from a list (the server refuses anything else: packet-periods.test).
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = page.url().split('/').pop()!;
  const filename = `${IMG}.pdf`;
  await page
    .getByLabel('Choose files')
    .setInputFiles([{ name: filename, mimeType: 'application/pdf', buffer: await pdf() }]);
  await expect(page.getByRole('link', { name: /onerror=alert\(1\)>$/ })).toBeVisible();
  // A hostile display name typed by staff: text on every page that shows it.
  await page.getByRole('button', { name: /^Rename / }).click();
  await page.getByLabel('Name contacts see').fill(payload('Doc'));
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('link', { name: payload('Doc'), exact: true })).toBeVisible();
  await expectNoLiveMarkup(page);
  await page.getByRole('button', { name: 'Preview the email' }).click();
  await expect(page.getByRole('dialog', { name: 'Email preview' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  const since = Date.now();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await confirmPublish(page, 1);
  await expect(page.getByText(/Published — 1 email/).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);

  // The contact opens the mail's link, reads, opens the viewer and asks a hostile question.
  const mail = await waitForMail(page.request, email, since, 15_000, /ready to review/);
  expect(mail.subject).toContain(firmName);
  const contact = await newPhoneContext(browser);
  const phone = await contact.newPage();
  guard(phone, dialogs);
  await useOwnIp(phone);
  // The link's confirm page names the firm.
  await phone.goto(linkPathOf(mail));
  await expect(phone.getByText(firmName).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);
  await phone.getByRole('button', { name: /^Continue/ }).click();
  await expect(phone).toHaveURL(new RegExp(`/p/${packetId}`));
  await expect(phone.getByText(SCRIPT).first()).toBeVisible();
  await expect(phone.getByText(firmName).first()).toBeVisible();
  await expect(phone.getByText(payload('Title')).first()).toBeVisible();
  await expect(phone.getByText(payload('Note')).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);
  await phone.getByLabel('Ask your accountant').fill(payload('Question'));
  await phone.getByRole('button', { name: 'Send question' }).click();
  await expect(phone.getByText(/Question <script>/).first()).toBeVisible();
  await phone.goto('/p');
  await expect(phone.getByText(firmName).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await phone.goto(`/p/${packetId}`);
  await phone
    .getByRole('link', { name: /onerror/ })
    .first()
    .click();
  await expect(phone).toHaveURL(/\/d\//);
  await expect(phone.getByText(firmName).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);

  // Staff see the question and reply with hostile text; the contact sees the reply.
  await page.goto(`/firm/packets/${packetId}`);
  await expect(page.getByText(/Question <script>/).first()).toBeVisible();
  await page.getByLabel('Reply to the client').fill(payload('Reply'));
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText(/Reply <script>/).first()).toBeVisible();
  // The activity names the staff member who did each thing.
  await expect(page.getByText(staffName).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await page.goto('/firm');
  await expectNoLiveMarkup(page);
  await page.goto('/firm/clients');
  await expectNoLiveMarkup(page);
  // A colleague invited with a hostile name: the settings page and the invite mail (below).
  await page.goto('/firm/settings');
  await page.getByLabel('Name', { exact: true }).fill(payload('Colleague'));
  await page.getByLabel('Email', { exact: true }).fill(`colleague-${tag}@smith.example`);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(/Colleague <script>/).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);
  await phone.goto(`/p/${packetId}`);
  await expect(phone.getByText(/Reply <script>/).first()).toBeVisible();
  // The reply carries the staff member's name.
  await expect(phone.getByText(staffName).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);

  // Every mail the app wrote, as the dev mailbox shows it, and each mail's own HTML.
  const plain = await browser.newContext(); // no x-forwarded-for: the mailbox is loopback-only
  const mailbox = await plain.newPage();
  guard(mailbox, dialogs);
  await mailbox.goto('/dev/mailbox');
  await expect(mailbox.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoLiveMarkup(mailbox);
  const mails = (await (await mailbox.request.get('/dev/mailbox.json?limit=50')).json()) as Array<{
    html?: string;
  }>;
  for (const m of mails.slice(0, 20)) {
    if (!m.html) continue;
    expect(m.html).not.toContain(SCRIPT);
    expect(m.html).not.toMatch(/<img[^>]*onerror/i);
    expect(m.html).not.toMatch(/href="\s*javascript:/i);
    await mailbox.setContent(m.html);
    await expectNoLiveMarkup(mailbox);
  }
  await plain.close();
  await contact.close();
  expect(dialogs).toEqual([]);
});
