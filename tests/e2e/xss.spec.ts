// Hostile text in every field a firm or a client can fill in (colleagues' names included), entered through the UI, then shown
// on the staff pages, the client pages, the viewer and the mails in the dev mailbox: nothing
// runs. Any dialog (alert) fails the test, and an inline script injected into a page is blocked
// by the Content-Security-Policy.
import { expect, test, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  completeSetup,
  findSetupUrl,
  linkPathOf,
  openLink,
  signInByEmail,
  waitForMail
} from './support/auth';

const OWNER = 'ann@smith.example';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS_URL = 'javascript:alert(1)';
const payload = (field: string) => `${field} ${SCRIPT} ${IMG} ${JS_URL}`;

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
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__xssRan = true';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
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
  test.setTimeout(180_000);
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

  // A client and a contact with hostile names.
  const tag = Date.now().toString(36);
  await page.goto('/firm/clients');
  await page.getByLabel('Name').fill(payload(`Client ${tag}`));
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
  await page.getByRole('button', { name: 'Add and invite' }).click();
  await expect(page.getByText(email).first()).toBeVisible();
  await expectNoLiveMarkup(page);

  // A packet with a hostile title, note and file name.
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByLabel('Title').fill(payload('Title'));
  await page.getByLabel('Note to the client (optional)').fill(payload('Note'));
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = page.url().split('/').pop()!;
  const filename = `${IMG}.pdf`;
  await page
    .getByLabel('Choose files')
    .setInputFiles([{ name: filename, mimeType: 'application/pdf', buffer: await pdf() }]);
  await expect(page.getByRole('link', { name: /onerror=alert\(1\)>\.pdf/ })).toBeVisible();
  await page.getByRole('button', { name: 'Preview the email' }).click();
  await expect(page.getByRole('dialog', { name: 'Email preview' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  const since = Date.now();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByText(/Published — 1 email/).first()).toBeVisible();
  await expectNoLiveMarkup(page);
  await expectInlineScriptBlocked(page);

  // The contact opens the mail's link, reads, opens the viewer and asks a hostile question.
  const mail = await waitForMail(page.request, email, since, 15_000, /ready to review/);
  const contact = await browser.newContext();
  const phone = await contact.newPage();
  guard(phone, dialogs);
  await openLink(phone, linkPathOf(mail));
  await expect(phone).toHaveURL(new RegExp(`/p/${packetId}`));
  await expect(phone.getByText(SCRIPT).first()).toBeVisible();
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);
  await phone.getByLabel('Ask your accountant').fill(payload('Question'));
  await phone.getByRole('button', { name: 'Send question' }).click();
  await expect(phone.getByText(/Question <script>/).first()).toBeVisible();
  await phone.goto('/p');
  await expectNoLiveMarkup(phone);
  await phone.goto(`/p/${packetId}`);
  await phone
    .getByRole('link', { name: /onerror/ })
    .first()
    .click();
  await expect(phone).toHaveURL(/\/d\//);
  await expectNoLiveMarkup(phone);
  await expectInlineScriptBlocked(phone);

  // Staff see the question and reply with hostile text; the contact sees the reply.
  await page.goto(`/firm/packets/${packetId}`);
  await expect(page.getByText(/Question <script>/).first()).toBeVisible();
  await page.getByLabel('Reply to the client').fill(payload('Reply'));
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText(/Reply <script>/).first()).toBeVisible();
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
  await expectNoLiveMarkup(phone);

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
  for (const m of mails.slice(0, 10)) {
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
