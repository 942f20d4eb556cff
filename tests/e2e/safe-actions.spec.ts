// Staff on a phone: Publish shows who is mailed and the subject before anything goes, a nudge
// waits 24 hours unless confirmed, and toasts never sit on the field being typed in.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { signInAsOwner } from './support/auth';
import { addClient, composePacket, statementFiles, uniqueTag } from './support/firm';

const overlaps = (a: DOMRect, b: DOMRect) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Focuses the field with it scrolled to the top or the bottom of the view; returns its box. */
async function focusAt(field: Locator, where: 'start' | 'end') {
  return field.evaluate((el, block) => {
    el.scrollIntoView({ block });
    (el as HTMLElement).focus({ preventScroll: true });
    return el.getBoundingClientRect().toJSON() as DOMRect;
  }, where);
}

async function expectToastsClear(page: Page, field: DOMRect) {
  const toasts = page.locator('.toaster .toast');
  await expect(toasts.first()).toBeVisible();
  // The toaster moves on focus; wait for a frame so the boxes are where they settle.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  for (const box of await toasts.evaluateAll((els) =>
    els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect)
  )) {
    expect(overlaps(box, field), `toast ${JSON.stringify(box)} on ${JSON.stringify(field)}`).toBe(
      false
    );
  }
}

test('publish confirms who is mailed; nudges cool down; toasts keep off fields', async ({
  page,
  baseURL
}, testInfo) => {
  test.setTimeout(120_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(`safe-${testInfo.project.name}`);
  const clientName = `Brightwater Coffee Co. ${tag}`;
  const ada = { name: 'Ada Approver', email: `ada-${tag}@example.test` };
  const bea = { name: 'Bea Approver', email: `bea-${tag}@example.test` };
  await addClient(page, { name: clientName, code: `BW${tag}`.slice(0, 20) }, [ada, bea]);
  // Adding them sent nothing, and said so.
  await expect(page.getByText(`Added ${bea.email}. No email was sent.`).first()).toBeVisible();
  await composePacket(page, await statementFiles(clientName, [{ name: 'Bank.pdf', pages: 2 }]));

  // Publish opens the confirm sheet: the two contacts, the subject; Cancel sends nothing.
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const sheet = page.getByRole('dialog', { name: 'Publish: check before sending' });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByText('Emailed (2)')).toBeVisible();
  await expect(sheet.getByText(ada.email)).toBeVisible();
  await expect(sheet.getByText(bea.email)).toBeVisible();
  await expect(sheet.getByText(`for ${clientName} is ready to review`)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('publish-confirm.png') });
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Contacts' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await sheet.getByRole('button', { name: 'Publish and send 2 emails' }).click();
  await expect(page.getByRole('main').getByText('Published — 2 emails on the way.')).toBeVisible();
  await expect(sheet).toBeHidden();

  // Nudge Ada: it goes, and her row says when.
  await page.getByRole('button', { name: `Nudge ${ada.email}`, exact: true }).click();
  await expect(page.locator('.toaster')).toContainText('Sent a fresh link to 1 contact.');
  await expect(page.getByText('Last reminded just now', { exact: true })).toBeVisible();

  // Within 24 hours a nudge asks first.
  await page.getByText('Nudge again…').click();
  await expect(page.getByText('Send another now?', { exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('nudge-again.png') });
  await page.getByRole('button', { name: `Send another nudge to ${ada.email} now` }).click();
  await expect(page.locator('.toaster .toast')).toHaveCount(1);

  // Nudge all: Bea goes, Ada is skipped and counted. (The details form is opened first: its
  // Title field is where the toast must not land, below.)
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const title = page.getByLabel('Title');
  await expect(title).toBeVisible();
  await page.getByRole('button', { name: /^Nudge all 1 who have not reviewed/ }).click();
  await expect(page.locator('.toaster')).toContainText(
    'Sent a fresh link to 1 contact. Skipped 1 reminded in the last 24 hours.'
  );

  // A toast while a field is focused, low or high on the screen: it never covers the field.
  await expectToastsClear(page, await focusAt(title, 'end'));
  await expectToastsClear(page, await focusAt(title, 'start'));
});
