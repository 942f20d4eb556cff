// Shared by the offline e2e spec, the offline bench and the screenshot script: a firm publishes
// a packet (a 3-page and a 60-page PDF) to a new contact through the real staff UI.
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { confirmPublish } from './firm';
import {
  completeSetup,
  findSetupUrl,
  linkPathOf,
  openLinkAndContinue,
  signInByEmail,
  useOwnIp,
  waitForMail
} from './auth';

export const OWNER = 'ann@smith.example';

export async function makeTestPdf(title: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`${title} — page ${i} of ${pages}`, { x: 56, y: 720, size: 20, font });
    for (let line = 0; line < 24; line++) {
      page.drawText(`Entry ${i}.${line + 1}   Card payment   ${(i * 37 + line * 11) % 900}.00`, {
        x: 56,
        y: 670 - line * 24,
        size: 11,
        font
      });
    }
  }
  return Buffer.from(await doc.save());
}

/**
 * A PDF of `pages` pages of dense, hardly compressible figures (about 45 KB a page): a dozen
 * pages span three of the viewer's 256 KB ranges, so the middle pages come only when asked for.
 */
export async function makeLedgerPdf(title: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Courier);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`${title} — page ${i} of ${pages}`, { x: 56, y: 740, size: 20, font });
    for (let line = 0; line < 1400; line++) {
      let figures = '';
      for (let c = 0; c < 70; c++) figures += String.fromCharCode(48 + Math.floor(next() * 42));
      page.drawText(figures, { x: 20, y: 20 + (line % 140) * 5, size: 4, font });
    }
  }
  return Buffer.from(await doc.save());
}

export interface PacketFile {
  name: string;
  buffer: Buffer;
}

export interface Published {
  packetId: string;
  title: string;
  contactEmail: string;
  /** The /l/<token> path in the contact's packet mail. */
  linkPath: string;
}

/** Staff (signed in on `staff`) publish a packet to a new contact; returns its ids and link. */
export async function publishPacket(
  staff: Page,
  baseURL: string,
  tag: string,
  files?: PacketFile[]
): Promise<Published> {
  await useOwnIp(staff);
  const setupUrl = findSetupUrl(baseURL);
  let signedIn = false;
  if (setupUrl) {
    await staff.goto(setupUrl);
    if (await staff.getByLabel('Firm name').isVisible()) {
      // Setup signs the owner in.
      await completeSetup(staff, setupUrl, {
        firmName: 'Smith & Co',
        ownerName: 'Ann Smith',
        email: OWNER
      });
      signedIn = true;
    }
  }
  if (!signedIn) await signInByEmail(staff, OWNER);

  const contactEmail = `casey-${tag}@harbour.example`;
  await staff.goto('/firm/clients');
  await staff.getByLabel('Name', { exact: true }).fill(`Harbour Bakery ${tag}`);
  await staff.getByLabel('Code', { exact: true }).fill(`HB${tag.toUpperCase()}`.slice(0, 20));
  await staff.getByRole('button', { name: 'Add client' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toContainText('Harbour Bakery');
  await staff.getByLabel('Email').fill(contactEmail);
  await staff.getByLabel('Name', { exact: true }).first().fill('Casey Baker');
  await staff.getByRole('button', { name: 'Add contact' }).click();
  await expect(staff.getByText(contactEmail, { exact: true })).toBeVisible();

  await staff.getByRole('link', { name: 'New packet' }).last().click();
  const title = 'Q3 2026 review';
  const titleField = staff.getByLabel('Title');
  if (await titleField.isVisible()) await titleField.fill(title);
  // (On a phone-sized page the date field's box overlaps the button: press it by keyboard.)
  await staff.getByRole('button', { name: 'Create packet and add PDFs' }).press('Enter');
  await expect(staff).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = staff.url().split('/').pop()!;
  const chosen = files ?? [
    { name: 'Bank statements.pdf', buffer: await makeTestPdf('Bank statements', 60) },
    { name: 'Profit and loss.pdf', buffer: await makeTestPdf('Profit and loss', 3) }
  ];
  await staff
    .getByLabel('Choose files')
    .setInputFiles(chosen.map((f) => ({ ...f, mimeType: 'application/pdf' })));
  for (const f of chosen) {
    await expect(staff.getByRole('link', { name: f.name.replace(/\.pdf$/, '') })).toBeVisible();
  }
  const since = Date.now();
  await staff.getByRole('button', { name: 'Publish', exact: true }).click();
  await confirmPublish(staff, 1);
  await expect(staff.getByText(/Published — 1 email/).first()).toBeVisible();
  // The packet mail (adding the contact sent nothing).
  const mail = await waitForMail(staff.request, contactEmail, since, 15_000, /ready to review/);
  return { packetId, title, contactEmail, linkPath: linkPathOf(mail) };
}

/** Opens the contact's link and waits until the service worker controls the packet page. */
export async function openAsContact(page: Page, published: Published): Promise<void> {
  await useOwnIp(page);
  await openLinkAndContinue(page, published.linkPath);
  await expect(page).toHaveURL(new RegExp(`/p/${published.packetId}`));
  await waitForServiceWorker(page);
}

export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/** The paths in the device's saved-packet caches (every user's). */
export async function savedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('sheaf-saved-')) continue;
      for (const request of await (await caches.open(name)).keys())
        paths.push(new URL(request.url).pathname);
    }
    return paths.sort();
  });
}

/** Everything in Cache Storage and IndexedDB that mentions `needle` (URL or stored record). */
export async function deviceTraces(page: Page, needle: string) {
  return page.evaluate(async (needle) => {
    const found: string[] = [];
    const cacheNames = await caches.keys();
    for (const name of cacheNames) {
      if (name.includes(needle)) found.push(`cache ${name}`);
      for (const request of await (await caches.open(name)).keys()) {
        if (request.url.includes(needle)) found.push(`cache ${name}: ${request.url}`);
      }
    }
    const dbs = await indexedDB.databases();
    for (const info of dbs) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        if (JSON.stringify(all).includes(needle)) found.push(`idb ${info.name}/${store}`);
      }
      db.close();
    }
    return {
      found,
      caches: cacheNames,
      databases: dbs.map((d) => d.name ?? '')
    };
  }, needle);
}

export async function newPhone(browser: Browser, base: BrowserContext): Promise<BrowserContext> {
  void base;
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'allow'
  });
}
