// The client's review journey on a phone: the mail's link -> packet -> a 2-page and a 60-page
// PDF -> page indicator, zoom, ask about page 3 -> approve; staff see the pin and the decision.
//
// Needs two parts built in parallel: `signInByEmail(page, email)` (tests/e2e/support/auth.ts,
// the sign-in helper) and a way to get a published packet into the e2e server (the firm
// workspace UI, or the demo seed). Until both land, the journey is marked fixme; the viewer
// steps below are the contract and were checked against a locally seeded server.
import { expect, test, type Page } from '@playwright/test';

const CONTACT_EMAIL = process.env.E2E_CONTACT_EMAIL ?? 'casey@harbour-bakery.test';

/** Publishes a packet (2-page and 60-page PDFs) to CONTACT_EMAIL; returns its id. */
async function publishPacket(page: Page): Promise<string> {
  void page;
  throw new Error('needs the firm workspace UI (issue: firm workspace) or the demo seed');
}

async function signInByEmail(page: Page, email: string) {
  // tests/e2e/support/auth.ts (auth helper) — imported here once it exists.
  const support = (await import(/* @vite-ignore */ './support/auth' + '.ts').catch(() => null)) as {
    signInByEmail?: (p: Page, e: string) => Promise<void>;
  } | null;
  if (!support?.signInByEmail) throw new Error('tests/e2e/support/auth.ts is not there yet');
  await support.signInByEmail(page, email);
}

test.describe('client review', () => {
  test.skip(({ isMobile }) => !isMobile, 'the journey is on a phone (390x844)');
  test.fixme(true, 'needs signInByEmail and a published packet in the e2e server (see top)');

  test('review a packet on a phone: read, zoom, ask about page 3, approve', async ({
    page,
    browser
  }) => {
    const staff = await browser.newPage();
    const packetId = await publishPacket(staff);

    await signInByEmail(page, CONTACT_EMAIL);
    await page.goto(`/p/${packetId}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: /2 pages ·/ })).toBeVisible();

    // The 2-page document paints and says so.
    await page.getByRole('link', { name: /2 pages ·/ }).click();
    await expect(page.locator('[data-first-painted]')).toBeVisible();
    await expect(page.getByRole('button', { name: /Page 1 of 2\./ })).toBeVisible();
    await page.getByRole('link', { name: /^Back to / }).click();

    // The 60-page document: indicator, jump, zoom.
    await page.getByRole('link', { name: /60 pages ·/ }).click();
    await expect(page.locator('[data-first-painted]')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Page 1 of 60\./ })).toBeVisible();
    await page.getByRole('button', { name: /Page 1 of 60\./ }).click();
    await page.getByLabel('Go to page').fill('3');
    await page.getByLabel('Go to page').press('Enter');
    await expect(page.getByRole('button', { name: /^Page 3 of 60\./ })).toBeVisible();
    const pageBox = () => page.locator('[data-page="3"]').boundingBox();
    const before = (await pageBox())!.width;
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await pageBox())!.width).toBeGreaterThan(before * 1.2);
    await page.getByRole('button', { name: /Fit to width/ }).click();
    await expect.poll(async () => (await pageBox())!.width).toBeLessThan(before * 1.05);
    // Text is selectable: the text layer carries the page's words.
    await expect(page.locator('[data-page="3"] .textLayer')).toContainText('Page 3 of 60');

    // Ask about page 3.
    await page.getByRole('button', { name: 'Ask about this page' }).click();
    const sheet = page.getByRole('dialog', { name: 'Ask about page 3' });
    await sheet.getByLabel('Your question').fill('What is the card payment on 14/08?');
    await sheet.getByRole('button', { name: 'Send question' }).click();
    await expect(page.getByText('Question sent.')).toBeVisible();

    // Back on the packet: the pinned question, then approve.
    await page.getByRole('link', { name: /^Back to / }).click();
    await expect(
      page.getByRole('link', { name: /60 pages\)?\.pdf, page 3|, page 3/ })
    ).toBeVisible();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByText(/You approved this packet/)).toBeVisible();

    // Staff see the pin and the decision on the packet's page.
    await staff.goto(`/firm/packets/${packetId}`);
    await expect(staff.getByText('page 3')).toBeVisible();
    await expect(staff.getByText(/approved/i)).toBeVisible();
  });
});
