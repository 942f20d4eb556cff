// A phone on a slow line shows the server's page before its script has arrived. A button that
// only works with script must not seem ready meanwhile: it is disabled until the script has
// taken over, then works on the first tap (src/lib/components/ui/hydration.svelte.ts).
import { expect, test } from '@playwright/test';
import { openAsContact, publishPacket } from './support/offline';

test.skip(({ isMobile }) => !isMobile, 'a phone on a slow line (390x844)');

test('script-only buttons wait for the page script, then work on the first tap', async ({
  page,
  browser,
  baseURL
}) => {
  test.setTimeout(120_000);
  const staff = await browser.newPage();
  const mine = await publishPacket(staff, baseURL!, `hy${Date.now().toString(36)}`);
  await staff.close();
  await openAsContact(page, mine);

  // The same person on a phone without a service worker (whose cache would answer first), its
  // app scripts held back as on a slow line.
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
    storageState: await page.context().storageState()
  });
  const phone = await context.newPage();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await phone.route('**/_app/immutable/**', async (route) => {
    await released;
    await route.continue();
  });
  await phone.goto(`/p/${mine.packetId}`, { waitUntil: 'commit' });
  const approve = phone.getByRole('button', { name: 'Approve' });
  const save = phone.locator('[data-save-offline]').getByRole('button', { name: /^Save/ });
  await expect(approve).toBeVisible();
  await expect(approve).toBeDisabled();
  await expect(save).toBeDisabled();

  release();
  await expect(approve).toBeEnabled();
  await approve.click();
  await expect(phone.getByRole('dialog')).toBeVisible();
  await context.close();
});
