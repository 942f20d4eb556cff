// Long addresses on a 390 px phone: the sign-in pages, the link-confirm card and staff lists fit
// their cards, addresses break at sensible points, and form controls wear the firm's colour.
import { devices, expect, test, type Page } from '@playwright/test';
import { askForLink, linkPathOf, signInAsOwner, useOwnIp, waitForMail } from './support/auth';
import { addClient, uniqueTag } from './support/firm';
import { expectEmailWrapsSensibly, expectFits } from './support/layout';

test.skip(({ isMobile }) => !isMobile, 'phone layouts');

const PHONE = { ...devices['Pixel 7'], viewport: { width: 390, height: 844 } };

/** WCAG contrast of two colours as getComputedStyle gives them (rgb() or color(srgb ...)). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const srgb = css.match(/color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/);
    const rgb = css.match(/rgba?\((\d+), (\d+), (\d+)/);
    const parts = srgb
      ? srgb.slice(1).map(Number)
      : rgb
        ? rgb.slice(1).map((v) => Number(v) / 255)
        : null;
    if (!parts) throw new Error(`cannot read the colour ${css}`);
    const [r, g, bl] = parts.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const style = (page: Page, selector: string, property: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

test('long addresses fit their cards and wrap at sensible points', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag('phone').replace(/[^a-z0-9]/g, '');
  const email = `harriet.montgomery.${tag}@accounts.harbourbakeryandcoffeeroasters.example`;
  await addClient(page, { name: `Harbour Bakery ${tag}`, code: `HB${tag}`.slice(0, 20) }, [
    { name: 'Harriet Montgomery', email }
  ]);

  // Staff: the client page lists the contact's address, broken only between its pieces.
  await expectFits(page, page.locator('main'), 'the client page');
  await expectEmailWrapsSensibly(page.getByText(email, { exact: true }));

  // Radios and checkboxes wear the firm's colour, as its mark in the app bar does.
  const brand = await style(page, '.appbar .mark', 'background-color');
  expect(await style(page, 'input[type="radio"][name="role"]', 'accent-color')).toBe(brand);
  await page.goto('/firm/clients');
  expect(await style(page, 'input[type="checkbox"][name="clientId"]', 'accent-color')).toBe(brand);
  // In the dark they are lightened to stand out from the surface (3:1 for controls).
  await page.emulateMedia({ colorScheme: 'dark' });
  const darkAccent = await style(page, 'input[type="checkbox"][name="clientId"]', 'accent-color');
  const surface = await style(page, '.clients', 'background-color');
  expect(contrast(darkAccent, surface)).toBeGreaterThanOrEqual(3);
  await page.emulateMedia({ colorScheme: null });

  // The contact asks for a sign-in link on this phone: the full address, then the code form.
  const contact = await browser.newContext({ ...PHONE, baseURL });
  const phone = await contact.newPage();
  await useOwnIp(phone);
  const since = Date.now();
  await askForLink(phone, email);
  await expectFits(phone, phone.locator('.card'), '/sign-in (check your email)');
  await phone.goto('/sign-in/code');
  await expect(phone.getByLabel('6-digit code')).toBeVisible();
  await expectFits(phone, phone.locator('.card'), '/sign-in/code');

  // The link opened on another phone: the confirm card names the masked address.
  const mail = await waitForMail(page.request, email, since, 15_000, /sign-in link/);
  const other = await browser.newContext({ ...PHONE, baseURL });
  const confirm = await other.newPage();
  await confirm.goto(linkPathOf(mail));
  await expect(confirm.getByRole('heading', { name: /^Continue as h•••@/ })).toBeVisible();
  await expectFits(confirm, confirm.locator('.card'), '/l/[token]');
  await contact.close();
  await other.close();
});
