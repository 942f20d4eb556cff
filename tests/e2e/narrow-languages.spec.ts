// The longest languages on a 390 px phone: in Spanish and German the packet page, the viewer's
// bar and its "go to page" form, /p and the offline pill fit the screen, nothing is cut, and a
// size never breaks between its number and its unit.
// The measures are soft: one run names every place that does not fit.
// SHEAF_SCREENSHOTS=1 also saves each of these places, light and dark.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { linkPathOf, signInAsOwner, useOwnIp, waitForMail } from './support/auth';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { useColourScheme } from './support/scheme';
import { expectPdfPainted } from './support/viewer';

test.skip(({ isMobile }) => !isMobile, 'narrow layouts are on a phone (390x844)');

const WIDTH = 390;
const shots = process.env.SHEAF_SCREENSHOTS
  ? (process.env.SHEAF_SCREENSHOTS_DIR ?? 'test-results/screenshots')
  : null;

async function shoot(page: Page, name: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await useColourScheme(page, scheme);
    await page.screenshot({ path: path.join(shots, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: null });
}

const LANGUAGES = [
  {
    locale: 'es',
    continue: 'Continuar',
    pageOf: 'Página 1 de 17',
    goToPage: 'Ir a la página',
    total: 'de 17',
    offline: 'No tiene conexión'
  },
  {
    locale: 'de',
    continue: 'Weiter',
    pageOf: 'Seite 1 von 17',
    goToPage: 'Gehe zu Seite',
    total: 'von 17',
    offline: 'Sie sind offline'
  }
] as const;

/**
 * Nothing on the page reaches past the screen's edges. What sits inside a box that scrolls or
 * clips (the viewer's pages) is that box's business: the box itself is measured.
 */
async function expectNothingWider(page: Page, name: string) {
  const outside = await page.evaluate((width) => {
    const clips = (el: Element) => getComputedStyle(el).overflowX !== 'visible';
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let up = el.parentElement;
      while (up && up !== document.body && !clips(up)) up = up.parentElement;
      if (up && up !== document.body) continue;
      if (r.left < -0.5 || r.right > width + 0.5) {
        found.push(
          `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}" ${Math.round(r.left)}..${Math.round(r.right)}`
        );
      }
    }
    return found;
  }, WIDTH);
  expect.soft(outside, `${name}: these reach past the screen`).toEqual([]);
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  expect.soft(sideways, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
}

/** The element is wholly on screen and its own text is not cut. */
async function expectWhole(box: Locator, name: string) {
  const r = (await box.boundingBox())!;
  expect(r, `${name} is on screen`).not.toBeNull();
  expect.soft(r.x, `${name}: left edge`).toBeGreaterThanOrEqual(0);
  expect.soft(r.x + r.width, `${name}: right edge`).toBeLessThanOrEqual(WIDTH);
  const cut = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect.soft(cut, `${name}: its text is cut`).toBeLessThanOrEqual(0);
}

/** Sizes read "673 KB" on one line: a no-break space between the number and the unit. */
async function expectSizesUnbroken(box: Locator, name: string) {
  const text = (await box.textContent()) ?? '';
  expect.soft(text, `${name} shows a size`).toMatch(/\d\u00a0(B|KB|MB)\b/);
  expect.soft(text, `${name}: a size can break`).not.toMatch(/\d (B|KB|MB|GB)\b/);
}

for (const lang of LANGUAGES) {
  test(`in ${lang.locale}, the packet, viewer, /p and offline pill fit 390 px`, async ({
    page,
    browser,
    baseURL,
    context
  }, testInfo) => {
    test.setTimeout(180_000);
    const staff = await browser.newPage();
    await signInAsOwner(staff, baseURL!);
    const tag = uniqueTag(`${testInfo.project.name}-${lang.locale}`);
    const clientName = `Panadería ${tag}`;
    const email = `narrow-${lang.locale}-${tag}@panaderia.example`;
    await addClient(staff, { name: clientName, code: `NL${tag}`.slice(0, 20).toUpperCase() }, [
      { name: 'Lucía Gómez', email }
    ]);
    await staff.getByRole('button', { name: `Edit ${email}` }).click();
    await staff.getByLabel(`Language for ${email}`).selectOption(lang.locale);
    await staff.getByRole('button', { name: 'Save language' }).click();
    await expect(staff.getByText('Language saved.')).toBeVisible();
    const files = await statementFiles(clientName, [{ name: 'Extractos.pdf', pages: 17 }]);
    const packetId = await composePacket(staff, files);
    const since = await publishPacket(staff, 1);
    const mail = await waitForMail(staff.request, email, since, 15_000);
    await staff.close();

    await useOwnIp(page);
    await page.goto(linkPathOf(mail));
    await page.getByRole('button', { name: lang.continue, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/p/${packetId}$`));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang.locale);

    // The packet page: nothing wider than the screen, sizes whole.
    await page.waitForLoadState('networkidle');
    await expectNothingWider(page, 'the packet page');
    await expectSizesUnbroken(page.locator('main'), 'the packet page');
    await shoot(page, `narrow-${lang.locale}-packet`);

    // Offline on the packet page: the pill, its icon and its words on screen.
    await context.setOffline(true);
    const pill = page.locator('[data-offline-banner]');
    await expect(pill).toContainText(lang.offline);
    await expectWhole(pill, 'the offline pill');
    await expectWhole(pill.locator('svg'), "the offline pill's icon");
    await expectNothingWider(page, 'the packet page, offline');
    await shoot(page, `narrow-${lang.locale}-offline-pill`);
    await context.setOffline(false);
    await expect(pill).toHaveCount(0);

    // The viewer: the page indicator whole, beside the zoom and Ask controls.
    await page.locator(`a[href^="/p/${packetId}/d/"]`).first().click();
    await expectPdfPainted(page);
    const indicator = page.getByRole('button', { name: new RegExp(`^${lang.pageOf}\\.`) });
    await expect(indicator).toHaveText(lang.pageOf);
    await expectWhole(indicator, 'the page indicator');
    const bar = page.getByRole('toolbar');
    for (const control of await bar.getByRole('button').all()) {
      const r = (await control.boundingBox())!;
      expect.soft(r.height, 'a control is a 44 px target').toBeGreaterThanOrEqual(44);
      expect.soft(r.width, 'a control is a 44 px target').toBeGreaterThanOrEqual(44);
      expect.soft(await control.getAttribute('aria-label'), 'a control is labelled').toBeTruthy();
    }
    await expectWhole(bar, "the viewer's bar");
    await expectNothingWider(page, 'the viewer');
    await shoot(page, `narrow-${lang.locale}-viewer`);

    // Offline in the viewer: the pill above the bar.
    await context.setOffline(true);
    await expectWhole(pill, 'the offline pill in the viewer');
    await expectWhole(pill.locator('svg'), "the offline pill's icon in the viewer");
    await shoot(page, `narrow-${lang.locale}-viewer-offline`);
    await context.setOffline(false);
    await expect(pill).toHaveCount(0);

    // "Go to page": the label clear of the field, the total shown.
    await indicator.click();
    const field = page.getByLabel(lang.goToPage);
    await expect(field).toBeFocused();
    const label = (await bar.locator('label').boundingBox())!;
    const input = (await field.boundingBox())!;
    expect
      .soft(label.x + label.width, 'the label runs into the field')
      .toBeLessThanOrEqual(input.x - 8);
    await expect.soft(bar).toContainText(lang.total);
    await expectWhole(bar, 'the "go to page" bar');
    for (const control of await bar.getByRole('button').all()) {
      const r = (await control.boundingBox())!;
      expect
        .soft(Math.min(r.width, r.height), 'a control is a 44 px target')
        .toBeGreaterThanOrEqual(44);
    }
    await shoot(page, `narrow-${lang.locale}-page-jump`);
    await page.keyboard.press('Escape');

    // /p: a long firm name stays whole beside the state, which wraps under it if need be. The
    // firm here is "Smith & Co"; the walk's "Ledgerline Bookkeeping" is put in its place.
    await page.goto('/p');
    const card = page.locator(`a[href="/p/${packetId}"]`);
    await expect(card).toBeVisible();
    await card.locator('.firm').evaluate((el) => void (el.textContent = 'Ledgerline Bookkeeping'));
    await expectWhole(card.locator('.firm'), 'the firm name on the card');
    const cardBox = (await card.boundingBox())!;
    const chip = (await card.locator('.top > :last-child').boundingBox())!;
    expect
      .soft(chip.x + chip.width, 'the state inside the card')
      .toBeLessThanOrEqual(cardBox.x + cardBox.width);
    await expectNothingWider(page, '/p');
    await shoot(page, `narrow-${lang.locale}-list`);
  });
}

// The front page, where a signed-out client's "home" and the brand link lead, in the browser's
// language: translated (issue 23), and the longer words still fit.
for (const [locale, heading, signIn] of [
  ['es', 'Cómo funciona', 'Iniciar sesión'],
  ['de', 'So funktioniert es', 'Anmelden'],
  ['fr', 'Comment ça marche', 'Se connecter']
] as const) {
  test(`in ${locale}, the front page is translated and fits 390 px`, async ({ browser }) => {
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale
    });
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
    await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
    await expect(page.getByRole('banner').getByRole('link', { name: signIn })).toBeVisible();
    await expectNothingWider(page, `the front page (${locale})`);
    await shoot(page, `narrow-${locale}-front-page`);
    await context.close();
  });
}
