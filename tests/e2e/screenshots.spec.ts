// Screenshots of the main journey pages for docs/screenshots (and for looking at the UI):
// `SHEAF_SCREENSHOTS=1 E2E_PORT=... npx playwright test screenshots`. Skipped otherwise.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { linkPathOf, openLinkAndContinue, signInAsOwner, waitForMail } from './support/auth';
import { dropFiles } from './support/drop';
import { useColourScheme } from './support/scheme';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { expectPdfPainted } from './support/viewer';
import { approveAndConfirm } from './support/approve';

const out = process.env.SHEAF_SCREENSHOTS_DIR ?? 'test-results/screenshots';

test.skip(!process.env.SHEAF_SCREENSHOTS, 'set SHEAF_SCREENSHOTS=1 to take screenshots');

async function shoot(
  page: Page,
  name: string,
  project: string,
  scheme: 'light' | 'dark' = 'light',
  fullPage = false
) {
  await page.waitForLoadState('networkidle');
  await useColourScheme(page, scheme);
  mkdirSync(out, { recursive: true });
  const suffix = scheme === 'dark' ? '-dark' : '';
  await page.screenshot({ path: path.join(out, `${name}-${project}${suffix}.png`), fullPage });
}

test('journey screenshots', async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const project = testInfo.project.name;
  const use = testInfo.project.use;
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`shots-${project}`);
  const email = `jo-${tag}@harbour.example`;
  const clientName = 'Harbour Bakery Ltd';
  await addClient(page, { name: clientName, code: `HB-${tag}`.slice(0, 20) }, [
    { name: 'Jo Harbour', email },
    { name: 'Sam Harbour', email: `sam-${tag}@harbour.example` }
  ]);
  await shoot(page, 'staff-client', project);
  const packetId = await composePacket(
    page,
    await statementFiles(clientName, [
      { name: 'Financial statements Q3.pdf', pages: 4 },
      { name: 'Ledger detail Q3.pdf', pages: 24 }
    ])
  );
  const since = await publishPacket(page, 2);

  const context = await browser.newContext({
    viewport: use.viewport,
    deviceScaleFactor: 2,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    userAgent: use.userAgent
  });
  const contact = await context.newPage();
  const mail = await waitForMail(page.request, email, since);
  await contact.goto(linkPathOf(mail));
  await shoot(contact, 'sign-in-confirm', project);
  await openLinkAndContinue(contact, linkPathOf(mail));
  await expect(contact).toHaveURL(new RegExp(`/p/${packetId}$`));
  await shoot(contact, 'client-packet', project);
  await shoot(contact, 'client-packet', project, 'dark');
  await contact
    .getByRole('link', { name: /Ledger detail/ })
    .first()
    .click();
  await expectPdfPainted(contact);
  await shoot(contact, 'client-viewer', project);
  await contact.goto(`/p/${packetId}`);
  await approveAndConfirm(contact);
  await expect(contact.getByText(/You approved this packet/)).toBeVisible();
  await contact.goto('/p');
  await shoot(contact, 'client-inbox', project);
  await shoot(contact, 'client-inbox', project, 'dark');
  await contact.goto('/account');
  await shoot(contact, 'account', project);
  await context.close();

  await page.goto(`/firm/packets/${packetId}`);
  await shoot(page, 'staff-packet', project, 'light', project === 'desktop');
  await shoot(page, 'staff-packet', project, 'dark');
  await page.goto('/firm');
  await shoot(page, 'staff-dashboard', project);
  await shoot(page, 'staff-dashboard', project, 'dark');
  await page.goto('/firm/clients');
  await shoot(page, 'staff-clients', project);
  await page.goto('/firm/settings');
  await page.getByLabel('Name', { exact: true }).fill('Priya Patel');
  await page.getByLabel('Email', { exact: true }).fill(`priya-${tag}@smith.example`);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invited priya-${tag}@smith.example`).first()).toBeVisible();
  await page.reload();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, 'staff-settings', project);
  await shoot(page, 'staff-settings-full', project, 'light', true);
  await shoot(page, 'staff-settings', project, 'dark');
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await shoot(page, 'sign-in', project);
});

test('upload and bulk screenshots', async ({ page, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const project = testInfo.project.name;
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`shots-up-${project}`);
  const code = `OK-${tag}`.slice(0, 20);
  // A name per project: bulk publish matches by name, and one run makes both clients.
  const clientName = `Oakfield Veterinary Practice ${project === 'phone' ? 'Ltd' : 'LLP'}`;
  await addClient(page, { name: clientName, code }, [
    { name: 'Olu Oak', email: `olu-${tag}@oak.example` }
  ]);
  const files = await statementFiles(clientName, [
    { name: 'Financial statements for the quarter ended 30 September 2026.pdf', pages: 4 },
    { name: 'Ledger detail Q3.pdf', pages: 12 },
    { name: 'Payroll Q3.pdf', pages: 2 }
  ]);
  const dropped = files.map((f) => ({
    name: path.basename(f),
    mimeType: 'application/pdf',
    buffer: readFileSync(f)
  }));

  // The upload list mid-upload: the first upload is held at the door, the rest wait.
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/firm/packets/*/documents', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  await dropFiles(page.getByRole('group', { name: 'Add PDFs' }), [
    ...dropped,
    { name: 'Receipt photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('GIF89a') }
  ]);
  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('progressbar')).toHaveCount(4);
  await uploads.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, `staff-upload-mid-${project}.png`) });
  release();
  await expect(uploads.getByRole('alert')).toHaveCount(1, { timeout: 30_000 });
  await page.unroute('**/firm/packets/*/documents');
  await uploads.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, `staff-upload-refused-${project}.png`) });
  await page.reload();
  await shoot(page, 'staff-packet-draft', project, 'light', true);

  // Bulk publish: files matched by code and by name, one unmatched.
  await page.goto('/firm/packets/bulk');
  await dropFiles(page.getByRole('group', { name: 'Add PDFs' }), [
    { ...dropped[0], name: `${code} statements 2026-Q3.pdf` },
    { ...dropped[2], name: `${clientName} payroll.pdf` },
    { ...dropped[1], name: 'Scan_20261004_0042.pdf' }
  ]);
  await expect(page.getByText(/1 unmatched/)).toBeVisible();
  await shoot(page, 'staff-bulk', project, 'light', true);
  await page.getByRole('button', { name: 'Create and publish 1' }).click();
  await expect(page.getByText(/^published$/)).toBeVisible({ timeout: 30_000 });
  await shoot(page, 'staff-bulk-done', project, 'light', true);
});
