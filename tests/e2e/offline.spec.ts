// The installable app keeps packets on the phone: save -> offline -> read page 40 of a 60-page
// PDF; approve and ask offline -> reconnect -> recorded once; sign-out leaves nothing behind;
// a session ended elsewhere purges at the next online start.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInByEmail as signInOnce, useOwnIp } from './support/auth';
import { confirmPublish } from './support/firm';
import {
  deviceTraces,
  makeLedgerPdf,
  makeTestPdf,
  savedPaths,
  openAsContact,
  publishPacket,
  waitForServiceWorker,
  type Published
} from './support/offline';
import { expectPagePicture, expectPdfPainted } from './support/viewer';
import { approveAndConfirm } from './support/approve';
import { VIEWER_ASSETS_CACHE } from '../../src/lib/offline/names';

test.describe.configure({ mode: 'serial' });
test.skip(({ isMobile }) => !isMobile, 'the offline journey is on a phone (390x844)');

let published: Published;

async function signInByEmail(page: Page, email: string) {
  await useOwnIp(page);
  await signInOnce(page, email);
}

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  published = await publishPacket(staff, baseURL!, Date.now().toString(36));
  await staff.close();
});

/**
 * A packet of the test's own, published to a new contact (a second sign-in mail to one contact
 * within the minute would wait out the rate limit), opened from its mail and saved.
 */
async function savedPacketOfItsOwn(page: Page, browser: Browser, baseURL: string, tag: string) {
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL, `${tag}${Date.now().toString(36)}`);
  await staff.close();
  await openAsContact(page, mine);
  await saveForOffline(page);
  return mine;
}

/**
 * The same person on a phone without a service worker, so the page's own requests can be held
 * or cut with page.route (a worker's requests cannot be).
 */
async function signedInWithoutWorker(browser: Browser, page: Page): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
    storageState: await page.context().storageState()
  });
  return context.newPage();
}

/** Axe finds nothing on the page as it is, in light and in dark. */
async function expectAxeClean(page: Page, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `axe on ${name} (${colorScheme})`
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}

/** "394 KB" -> bytes (as formatBytes rounds them). */
function bytesOf(size: string): number {
  const m = /^([\d.]+)\s(B|KB|MB|GB)$/.exec(size.trim());
  if (!m) throw new Error(`not a size: ${size}`);
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf(m[2]);
}

async function saveForOffline(page: Page) {
  const save = page.locator('[data-save-offline]');
  await save.getByRole('button', { name: 'Save for offline' }).click();
  await expect(save.getByRole('heading', { name: 'Saved on this device' })).toBeVisible({
    timeout: 20_000
  });
}

test('save, go offline, reload: the packet and page 40 of its 60-page PDF open', async ({
  page,
  context
}) => {
  test.setTimeout(120_000);
  await openAsContact(page, published);
  const { packetId } = published;
  await expect(page.locator('[data-save-offline]')).toContainText('Read it anywhere');
  const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();
  await saveForOffline(page);
  // The list marks it and lists it with its size.
  await page.goto('/p');
  await expect(page.locator(`a[href="/p/${packetId}"] [data-saved]`)).toBeVisible();
  const list = page.locator('[data-saved-list]');
  await expect(list.getByRole('heading', { name: 'Saved on this device' })).toBeVisible();
  await expect(list.locator('header p')).toHaveText(
    /^[\d.]+\s[KM]B in 1\s+packet · [\d.]+\s[KMG]B of [\d.]+\s[KMG]B used by Sheaf$/
  );
  await expect(list).toContainText(/\d+\sKB|\d+(\.\d)?\sMB/);

  await context.setOffline(true);
  await page.goto(`/p/${packetId}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  await expect(page.locator('[data-offline-banner]')).toContainText('You are offline');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);

  // Client-side navigation to the viewer (its __data.json comes from the saved copy).
  await page
    .getByRole('link', { name: /^Bank statements/ })
    .first()
    .click();
  await expectPdfPainted(page);
  await expect(page.getByRole('button', { name: /^Page 1 of 60\./ })).toBeVisible();
  // A full reload of the viewer offline (page 1's picture comes from the saved copy), then
  // page 40.
  await page.reload();
  await expectPagePicture(page);
  await expectPdfPainted(page);
  await page.getByRole('button', { name: /^Page 1 of 60\./ }).click();
  await page.getByLabel('Go to page').fill('40');
  await page.getByLabel('Go to page').press('Enter');
  await expect(page.getByRole('button', { name: /^Page 40 of 60\./ })).toBeVisible();
  await expect(page.locator('[data-page="40"] .textLayer')).toContainText('page 40 of 60', {
    timeout: 20_000
  });
  await expect(page.locator('[data-page="40"] canvas')).toBeVisible();

  // A packet that was never saved says so.
  await page.goto('/p/00000000-0000-4000-8000-000000000000');
  await expect(
    page.getByRole('heading', { name: 'This packet is not on this device' })
  ).toBeVisible();
  await context.setOffline(false);
});

test('saving counts one measure: the bar reaches 100 % at "x of x", and x is the size saved', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `m${Date.now().toString(36)}`);
  await staff.close();
  await openAsContact(page, mine);
  const save = page.locator('[data-save-offline]');
  await expect(save).toContainText('Read it anywhere');
  // Every state the bar and its figures pass through, as drawn.
  await page.evaluate(() => {
    const seen: Array<{ percent: number; figures: string }> = [];
    Object.assign(window, { sheafSaveSeen: seen });
    const section = document.querySelector('[data-save-offline]')!;
    new MutationObserver(() => {
      const bar = section.querySelector('[role="progressbar"]');
      if (!bar) return;
      seen.push({
        percent: Number(bar.getAttribute('aria-valuenow')),
        figures: bar.nextElementSibling?.textContent?.trim() ?? ''
      });
    }).observe(section, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await save.getByRole('button', { name: 'Save for offline' }).click();
  await expect(save.getByRole('heading', { name: 'Saved on this device' })).toBeVisible({
    timeout: 20_000
  });
  const seen = (await page.evaluate(() => Reflect.get(window, 'sheafSaveSeen'))) as Array<{
    percent: number;
    figures: string;
  }>;
  expect(seen.length).toBeGreaterThan(0);
  for (const { percent, figures } of seen) {
    const [, done, total] = /^(.+) of (.+)$/.exec(figures) ?? [];
    expect(total, figures).toBeTruthy();
    // The bar says what the figures say (give or take their rounding), and is full only when
    // they are equal.
    expect(Math.abs(percent - (100 * bytesOf(done)) / bytesOf(total)), figures).toBeLessThan(3);
    if (percent === 100) expect(done).toBe(total);
  }
  const last = seen.at(-1)!;
  expect(last.percent).toBe(100);
  const total = last.figures.split(' of ')[1];
  await expect(save).toContainText(`${total} · opens offline`);

  // The list of saved packets counts the same bytes, and the device's room in GB past 1 GB.
  await page.goto('/p');
  const list = page.locator('[data-saved-list]');
  await expect(list.locator(`a[href="/p/${mine.packetId}"]`)).toContainText(total);
  const quota = await page.evaluate(async () => (await navigator.storage.estimate()).quota ?? 0);
  if (quota >= 1024 ** 3) {
    await expect(list.locator('header p')).toHaveText(/of \d+\.\d\sGB used by Sheaf$/);
  }
});

test('approve and ask offline: both wait, then are sent once on reconnect', async ({
  page,
  context,
  browser
}) => {
  test.setTimeout(120_000);
  await signInByEmail(page, published.contactEmail);
  await page.goto(`/p/${published.packetId}`);
  await waitForServiceWorker(page);
  await saveForOffline(page);

  await context.setOffline(true);
  await page.reload();
  // A question, then the approval (the server treats a later question as "not approved yet").
  await page.getByLabel('Ask your accountant').fill('Is the March card payment the van repair?');
  await page.getByRole('button', { name: /Send/ }).click();
  const pending = page.locator('[data-pending]');
  await expect(pending).toContainText('Is the March card payment the van repair?');
  await expect(pending).toContainText('Sends when you are back online.');
  await approveAndConfirm(page);
  await expect(pending).toContainText('Your approval');
  // Still pending after a reload while offline (kept in IndexedDB).
  await page.reload();
  await expect(pending).toContainText('Your approval');
  const queued = await page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    const name = dbs.find((d) => d.name?.startsWith('sheaf-offline-'))!.name!;
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
    });
    const all = await new Promise<Array<{ kind: string; requestId: string }>>((resolve) => {
      const r = db.transaction('queue').objectStore('queue').getAll();
      r.onsuccess = () => resolve(r.result);
    });
    db.close();
    return all;
  });
  expect(queued.map((q) => q.kind).sort()).toEqual(['approve', 'ask']);

  await context.setOffline(false);
  await expect(page.getByText(/Your approval was sent/)).toBeVisible({ timeout: 15_000 });
  await expect(pending).toHaveCount(0);
  await expect(page.getByText(/You approved this packet/)).toBeVisible();

  // Replaying the same approval (as a second tab or a retry would) records nothing new.
  const approval = queued.find((q) => q.kind === 'approve')!;
  const replay = await page.evaluate(
    async ({ path, requestId }) => {
      const body = new FormData();
      body.set('requestId', requestId);
      const r = await fetch(`${path}?/approve`, {
        method: 'POST',
        body,
        headers: { accept: 'application/json', 'x-sveltekit-action': 'true' }
      });
      return (await r.json()).type as string;
    },
    { path: `/p/${published.packetId}`, requestId: approval.requestId }
  );
  expect(replay).toBe('success');
  await page.reload();
  const history = page.locator('section[aria-labelledby="history-h"]');
  await expect(history.getByText(/You approved/)).toHaveCount(1);
  await expect(history.getByText(/You asked a question/)).toHaveCount(1);
  await expect(page.getByText('Is the March card payment the van repair?')).toHaveCount(1);

  // Staff see one approval.
  const staff = await browser.newPage();
  await signInByEmail(staff, 'ann@smith.example');
  await staff.goto(`/firm/packets/${published.packetId}`);
  await expect(staff.getByText('approved', { exact: true })).toHaveCount(1);
  await staff.close();
});

test('approve offline, back on a connection that carries nothing: it waits, then goes once', async ({
  page,
  context,
  browser,
  baseURL
}) => {
  test.setTimeout(90_000);
  await page.clock.install();
  await savedPacketOfItsOwn(page, browser, baseURL!, 'q');
  await context.setOffline(true);
  await page.reload();
  await approveAndConfirm(page);
  const pending = page.locator('[data-pending]');
  await expect(pending).toContainText('Your approval');

  // Online again, but the first send never gets an answer (a train between stations).
  let sends = 0;
  const approvals = (url: URL) => url.search === '?/approve';
  await page.route(approvals, async (route) => {
    if (route.request().method() === 'POST' && sends++ === 0) return; // swallowed
    await route.continue();
  });
  await context.setOffline(false);
  await expect.poll(() => sends).toBe(1);
  await page.clock.fastForward('00:21'); // the send is given up...
  await expect(pending).toContainText('Your approval');
  // ...and tried again about 30 s later (the clock moves on until it is).
  // (Not a step further once it is: the toast that follows must not be hurried away.)
  await expect(async () => {
    if (sends < 2) await page.clock.fastForward('00:05');
    expect(sends).toBe(2);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText(/Your approval was sent/)).toBeVisible({ timeout: 15_000 });
  await expect(pending).toHaveCount(0);
  expect(sends).toBe(2);
  await page.unroute(approvals);
  await page.reload();
  const history = page.locator('section[aria-labelledby="history-h"]');
  await expect(history.getByText(/You approved/)).toHaveCount(1);
});

test('approve online after saving: the saved copy follows, so offline it shows the approval', async ({
  page,
  context,
  browser,
  baseURL
}) => {
  test.setTimeout(90_000);
  const mine = await savedPacketOfItsOwn(page, browser, baseURL!, 'o');
  /** The saved copy of the packet's page, as the service worker would answer it offline. */
  const savedPage = async () =>
    page.evaluate(async (id) => {
      for (const name of await caches.keys()) {
        if (!name.startsWith('sheaf-saved-')) continue;
        const r = await (await caches.open(name)).match(`/p/${id}`);
        if (r) return r.text();
      }
      return '';
    }, mine.packetId);
  expect(await savedPage()).not.toContain('You approved this packet');

  await page.getByLabel('Ask your accountant').fill('Is the van repair in March?');
  await page.getByRole('button', { name: /Send/ }).click();
  await expect(page.getByText('Is the van repair in March?')).toBeVisible();
  await approveAndConfirm(page);
  await expect(page.getByText(/You approved this packet/)).toBeVisible();
  await expect.poll(savedPage, { timeout: 10_000 }).toContain('You approved this packet');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByText(/You approved this packet/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(page.getByText('Is the van repair in March?')).toBeVisible();
  await context.setOffline(false);
});

test('a save whose connection goes quiet gives up after a minute, leaves nothing, and saves on the next tap', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(90_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `st${Date.now().toString(36)}`);
  await staff.close();
  await openAsContact(page, mine);
  const phone = await signedInWithoutWorker(browser, page);
  await phone.clock.install();
  await phone.goto(`/p/${mine.packetId}`);
  // The packet's page never comes (a connection that went quiet): whatever was already put
  // away must go again.
  let held = 0;
  const packetPage = (url: URL) => url.pathname === `/p/${mine.packetId}`;
  await phone.route(packetPage, async (route) => {
    if (route.request().headers()['x-sheaf-save'] !== '1') return route.continue();
    held++;
  });
  const save = phone.locator('[data-save-offline]');
  await save.getByRole('button', { name: 'Save for offline' }).click();
  await expect(save.getByRole('heading', { name: 'Saving for offline…' })).toBeVisible();
  await expect.poll(() => held).toBe(1);
  // pdf.js for offline reading comes meanwhile, and each of its bytes shows the line alive: on a
  // busy machine its last ones could land after the minute below and start it again.
  await expect
    .poll(() =>
      phone.evaluate(
        async (name) => (await (await caches.open(name)).keys()).length,
        VIEWER_ASSETS_CACHE
      )
    )
    .toBe(2);
  await phone.clock.fastForward('00:59');
  await expect(save.getByRole('heading', { name: 'Saving for offline…' })).toBeVisible();
  await phone.clock.fastForward('00:02');
  await expect(save.getByRole('alert')).toHaveText(
    'Saving stopped: the connection stalled. Try again.'
  );
  await expect(save.getByRole('heading', { name: 'Read it anywhere' })).toBeVisible();
  expect((await deviceTraces(phone, mine.packetId)).found).toEqual([]);
  expect(await savedPaths(phone)).toEqual([]); // the PDFs and pictures it had put away, too

  // The connection is back: the next tap saves the whole packet.
  await phone.unroute(packetPage);
  await save.getByRole('button', { name: 'Save for offline' }).click();
  await expect(save.getByRole('heading', { name: 'Saved on this device' })).toBeVisible({
    timeout: 20_000
  });
  await expect(save.getByRole('alert')).toHaveCount(0);
  const paths = await savedPaths(phone);
  expect(paths).toContain(`/p/${mine.packetId}`);
  expect(paths.filter((p) => /^\/api\/files\/[^/]+$/.test(p)).length).toBeGreaterThan(0);
  await phone.context().close();
});

test('a new version, saved again: a save that fails keeps the earlier copy whole, the next brings it all', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(150_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `rs${Date.now().toString(36)}`);
  await openAsContact(page, mine);
  const phone = await signedInWithoutWorker(browser, page);
  await phone.goto(`/p/${mine.packetId}`);
  await saveForOffline(phone);
  const savedData = () =>
    phone.evaluate(async (url) => {
      for (const name of await caches.keys()) {
        const hit = name.startsWith('sheaf-saved-') && (await (await caches.open(name)).match(url));
        if (hit) return hit.text();
      }
      return null;
    }, `/p/${mine.packetId}/__data.json`);
  const firstPaths = await savedPaths(phone);
  const firstData = await savedData();
  expect(firstData).toContain('Bank statements.pdf');
  expect(firstData).not.toContain('Payroll summary.pdf');

  // The firm adds a document and publishes the update.
  await staff.goto(`/firm/packets/${mine.packetId}`);
  await staff.getByLabel('Choose files').setInputFiles([
    {
      name: 'Payroll summary.pdf',
      mimeType: 'application/pdf',
      buffer: await makeTestPdf('Payroll summary', 2)
    }
  ]);
  await expect(staff.getByRole('link', { name: 'Payroll summary' })).toBeVisible();
  await staff.getByRole('button', { name: /^Publish update/ }).click();
  await confirmPublish(staff);
  await expect(staff.getByText(/Updated — 1 email/).first()).toBeVisible();
  await staff.close();

  await phone.reload();
  const save = phone.locator('[data-save-offline]');
  await expect(save.getByRole('heading', { name: 'Your saved copy is out of date' })).toBeVisible();

  // Saving again: the packet's pages come, then the connection drops.
  const list = (url: URL) => url.pathname === '/p/__data.json';
  await phone.route(list, (route) =>
    route.request().headers()['x-sheaf-save'] === '1'
      ? route.abort('internetdisconnected')
      : route.continue()
  );
  await save.getByRole('button', { name: 'Save again' }).click();
  await expect(save.getByRole('alert')).toHaveText(
    'Saving stopped: the connection dropped. Try again.'
  );
  // The earlier copy is as it was: its pages, its files, nothing of the new version.
  expect(await savedPaths(phone)).toEqual(firstPaths);
  expect(await savedData()).toBe(firstData);
  await expect(save.getByRole('heading', { name: 'Your saved copy is out of date' })).toBeVisible();

  await phone.unroute(list);
  await save.getByRole('button', { name: 'Save again' }).click();
  await expect(save.getByRole('heading', { name: 'Saved on this device' })).toBeVisible({
    timeout: 20_000
  });
  expect(await savedData()).toContain('Payroll summary.pdf');
  const paths = await savedPaths(phone);
  const files = (ps: string[]) => ps.filter((p) => /^\/api\/files\/[^/]+$/.test(p));
  expect(files(paths)).toHaveLength(files(firstPaths).length + 1);
  await phone.context().close();
});

test('a question asked offline in the viewer closes its sheet, waits, and goes on reconnect', async ({
  page,
  context,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `vq${Date.now().toString(36)}`);
  await staff.close();
  await openAsContact(page, mine);
  await page
    .getByRole('link', { name: /^Profit and loss/ })
    .first()
    .click();
  await expectPdfPainted(page);

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Ask about this page' }).click();
  const sheet = page.getByRole('dialog', { name: 'Ask about page 1' });
  await sheet.getByLabel('Your question').fill('Is page 1 the June total?');
  await sheet.getByRole('button', { name: 'Send question' }).click();
  await expect(sheet).toBeHidden();
  const pending = page.locator('[data-pending]');
  await expect(pending).toContainText('Waiting to send');
  await expect(pending).toContainText('Is page 1 the June total?');
  // (This packet is not saved: the viewer says so too.)
  await expect(page.getByRole('status').filter({ hasText: 'not saved for offline' })).toBeVisible();
  await expectAxeClean(page, 'viewer offline: a question waiting, not saved');

  await context.setOffline(false);
  await expect(page.getByText(/Your question was sent/)).toBeVisible({ timeout: 15_000 });
  await expect(pending).toHaveCount(0);
  await page.goto(`/p/${mine.packetId}`);
  await expect(page.getByText('Is page 1 the June total?')).toHaveCount(1);
});

test('a document read online but not saved keeps its pages when the connection drops', async ({
  page,
  context,
  browser,
  baseURL
}) => {
  test.setTimeout(150_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `kp${Date.now().toString(36)}`, [
    { name: 'Ledger.pdf', buffer: await makeLedgerPdf('Ledger', 20) }
  ]);
  await staff.close();
  await openAsContact(page, mine);
  await page
    .getByRole('link', { name: /^Ledger/ })
    .first()
    .click();
  await expectPdfPainted(page);
  const goTo = async (n: number) => {
    await page.getByRole('button', { name: /^Page \d+ of 20\./ }).click();
    await page.getByLabel('Go to page').fill(String(n));
    await page.getByLabel('Go to page').press('Enter');
    await expect(
      page.getByRole('button', { name: new RegExp(`^Page ${n} of 20\\.`) })
    ).toBeVisible();
  };
  await goTo(2);
  await expect(page.locator('[data-page="2"] canvas')).toBeVisible({ timeout: 20_000 });

  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'not saved for offline' })).toBeVisible();
  // Page 12 lies in a part of the PDF that never came: it waits for the connection, and the
  // pages already read stay.
  await goTo(12);
  await expect(page.locator('[data-page="12"]')).toContainText('back online');
  await expect(page.getByText('The PDF didn’t load')).toHaveCount(0);
  await expect(page.getByText("The PDF didn't load")).toHaveCount(0);
  await goTo(2);
  await expect(page.locator('[data-page="2"] canvas')).toBeVisible({ timeout: 20_000 });

  await context.setOffline(false);
  await goTo(12);
  await expect(page.locator('[data-page="12"] canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('[data-page="12"] .textLayer')).toContainText('page 12 of 20', {
    timeout: 20_000
  });
  await expect(page.getByRole('status').filter({ hasText: 'not saved for offline' })).toHaveCount(
    0
  );
});

test('signing out with saved packets warns first: cancel keeps them, confirm removes them', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const mine = await savedPacketOfItsOwn(page, browser, baseURL!, 'w');
  const warning = page.getByRole('dialog', { name: 'Sign out?' });
  const words = 'You have 1 packet saved on this phone. Signing out removes it.';

  await page.goto('/sign-out');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(warning).toContainText(words);
  await expectAxeClean(page, 'sign-out warning');
  await warning.getByRole('button', { name: 'Cancel' }).click();
  await expect(warning).toBeHidden();
  await expect(page).toHaveURL(/\/sign-out$/);

  await page.goto('/account');
  await page.getByRole('button', { name: /Sign out everywhere/ }).click();
  await expect(warning).toContainText(words);
  await warning.getByRole('button', { name: 'Cancel' }).click();
  await expect(warning).toBeHidden();
  expect((await deviceTraces(page, mine.packetId)).found.length).toBeGreaterThan(4);
  await page.goto(`/p/${mine.packetId}`);
  await expect(page.locator('[data-save-offline]')).toContainText('Saved on this device');

  await page.goto('/account');
  await page.getByRole('button', { name: /\(this device\)$/ }).click();
  await expect(warning).toContainText(words);
  await warning.getByRole('button', { name: /^Sign out and remove (it|them)$/ }).click();
  await page.waitForURL((u) => u.pathname === '/sign-in');
  expect((await deviceTraces(page, mine.packetId)).found).toEqual([]);
});

test('sign out: nothing of the packet is left in Cache Storage or IndexedDB', async ({ page }) => {
  test.setTimeout(90_000);
  await signInByEmail(page, published.contactEmail);
  await page.goto(`/p/${published.packetId}`);
  await waitForServiceWorker(page);
  await saveForOffline(page);
  const before = await deviceTraces(page, published.packetId);
  expect(before.found.length).toBeGreaterThan(4);

  await page.goto('/sign-out');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Sign out?' })
    .getByRole('button', { name: /^Sign out and remove (it|them)$/ })
    .click();
  await page.waitForURL((u) => u.pathname !== '/sign-out');
  const after = await deviceTraces(page, published.packetId);
  expect(after.found).toEqual([]);
  expect(after.caches.filter((n) => n.startsWith('sheaf-saved-') || n === 'sheaf-pages')).toEqual(
    []
  );
  expect(after.databases.filter((n) => n.startsWith('sheaf-offline-'))).toEqual([]);
  // Nor whose device it was: no offline key left in the notes the app and its worker keep.
  const notes = await page.evaluate(async () => {
    const found: string[] = [];
    for (const url of ['/__sheaf/offline-user', '/__sheaf/served-user']) {
      const entry = await caches.match(url, { cacheName: 'sheaf-offline-meta' });
      if (entry) found.push(await entry.text());
    }
    return found;
  });
  expect(notes.filter((n) => /^[0-9a-f]{32}$/.test(n.trim()))).toEqual([]);
});

test('sign out everywhere on another device: this one purges at its next online start', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(90_000);
  const mine = await savedPacketOfItsOwn(page, browser, baseURL!, 'e');
  expect((await deviceTraces(page, mine.packetId)).found.length).toBeGreaterThan(4);

  // The same person, on a laptop, signs out everywhere.
  const laptop = await browser.newPage();
  await laptop.context().addCookies(await page.context().cookies());
  await laptop.goto('/account');
  await laptop.getByRole('button', { name: /Sign out everywhere/ }).click();
  await laptop.waitForURL((u) => u.pathname !== '/account');
  await laptop.close();

  // The phone comes back: the session is gone, and so is everything it saved.
  await page.goto('/');
  await expect
    .poll(async () => (await deviceTraces(page, mine.packetId)).found, { timeout: 10_000 })
    .toEqual([]);
});

for (const { name, cutCheck } of [
  { name: 'two people on one phone never see each other’s saved packets', cutCheck: false },
  {
    name: 'the next person to sign in sees nothing of the last one’s copy, before the app has asked who it is',
    cutCheck: true
  }
]) {
  test(name, async ({ page, context, browser, baseURL }) => {
    test.setTimeout(150_000);
    const staff = await browser.newPage();
    const other = await publishPacket(staff, baseURL!, `b${Date.now().toString(36)}`);
    await staff.close();

    // Person A saves their packet.
    const a = await savedPacketOfItsOwn(page, browser, baseURL!, 'a');
    await page.goto('/p');
    const aSaved = page.locator(`[data-saved-list] a[href="/p/${a.packetId}"]`);
    await expect(aSaved).toBeVisible();

    // Person B signs in on the same phone (A never signed out). In the second case the app's
    // own check of who is signed in (GET /api/session) gets no answer: only the server's pages
    // say it is B now.
    let asks = 0;
    const session = (url: URL) => url.pathname === '/api/session';
    if (cutCheck) {
      await page.route(session, (route) => {
        asks++;
        return route.abort();
      });
    }
    await openAsContact(page, other);
    await expect(page.locator('[data-save-offline]')).toContainText('Read it anywhere');
    const before = asks;
    await page.goto('/p');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (cutCheck) {
      await expect.poll(() => asks, { timeout: 15_000 }).toBeGreaterThan(before);
      // The saved list is read right after the check: wait until it has been.
      await expect(page.locator('[data-saved-read]')).toHaveCount(1);
    }
    await expect(page.locator('[data-saved-list]')).toHaveCount(0);
    await expect(aSaved).toHaveCount(0);

    // Offline, A's packet is not there for B.
    await context.setOffline(true);
    await page.goto(`/p/${a.packetId}`);
    await expect(
      page.getByRole('heading', { name: 'This packet is not on this device' })
    ).toBeVisible();
    await context.setOffline(false);
    await page.unroute(session);
  });
}
