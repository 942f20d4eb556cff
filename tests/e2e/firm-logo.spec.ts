// Issue 23 on a phone: the owner uploads the firm's logo in /firm/settings and sees it in the app
// bar; an SVG is refused. A contact then sees it in the packet mail, on the link page and on
// the packet page. The logo is removed at the end: the other journeys expect the firm without.
import { expect, test, type Locator, type Page } from '@playwright/test';
import * as auth from './support/auth';
import { expectNoViolations } from './support/axe';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { expectPhoneLayout, newPhoneContext } from './support/phone';
import { drawnImage, SVG_LOGO } from '../support/images';

/** The image has arrived and been decoded (not the alt text of a broken one). */
async function expectLoaded(image: Locator) {
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
}

async function removeLogo(page: Page) {
  await page.goto('/firm/settings');
  const remove = page.getByRole('button', { name: 'Remove logo' });
  if (await remove.isVisible()) {
    await remove.click();
    await expect(page.getByText('Logo removed.')).toBeVisible();
  }
}

test('the owner uploads a logo; staff and a contact see it', async ({
  page: staff,
  browser,
  baseURL
}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a journey on a phone');
  test.setTimeout(180_000);
  await auth.signInAsOwner(staff, baseURL!);
  try {
    await staff.goto('/firm/settings');
    const firmName = (await staff.locator('header.appbar .name').textContent())!.trim();
    const file = staff.getByLabel('Logo image');

    // An SVG is refused, with the reason, and nothing changes.
    await file.setInputFiles({
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from(SVG_LOGO)
    });
    await staff.getByRole('button', { name: 'Upload logo' }).click();
    await expect(staff.getByRole('alert')).toHaveText('Upload a PNG, JPEG or WebP image.');
    await expect(staff.getByRole('button', { name: 'Remove logo' })).toHaveCount(0);

    await file.setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: Buffer.from(drawnImage('png', 480, 160))
    });
    await staff.getByRole('button', { name: 'Upload logo' }).click();
    await expect(staff.getByText('Logo saved.')).toBeVisible();
    const bar = staff.locator('header.appbar').getByRole('img', { name: firmName });
    await expectLoaded(bar);
    // Its box is fixed by its attributes: 32 px high, as wide as the logo's aspect asks.
    await expect(bar).toHaveAttribute('height', '32');
    await expect(bar).toHaveAttribute('width', '96');
    await expectNoViolations(staff, '/firm/settings (with a logo)');
    await expectPhoneLayout(staff);

    // A contact gets the packet mail with the logo, and sees it on the link and packet pages.
    const tag = uniqueTag(testInfo.project.name);
    const ada = { name: 'Ada Approver', email: `ada-${tag}@logo.example` };
    const clientName = `Logo Works ${tag}`;
    await addClient(staff, { name: clientName, code: `LW${tag}`.slice(0, 20) }, [ada]);
    const files = await statementFiles(clientName, [{ name: 'Accounts.pdf', pages: 1 }]);
    const packetId = await composePacket(staff, files);
    const since = await publishPacket(staff, 1);
    const mail = await auth.waitForMail(staff.request, ada.email, since);
    expect(mail.html).toMatch(
      /<img src="[^"]+\/api\/logos\/[^"]+\/128\.png" width="120" height="40" alt="[^"]+"/
    );

    const context = await newPhoneContext(browser);
    const phone = await context.newPage();
    await phone.goto(auth.linkPathOf(mail));
    await expectLoaded(phone.getByRole('img', { name: firmName }));
    await expectNoViolations(phone, '/l/[token] (with a logo)');
    await phone.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(phone).toHaveURL(new RegExp(`/p/${packetId}$`));
    await expectLoaded(phone.locator('header').getByRole('img', { name: firmName }));
    await expectNoViolations(phone, '/p/[id] (with a logo)');
    await expectPhoneLayout(phone);
    await context.close();
  } finally {
    await removeLogo(staff);
  }
});
