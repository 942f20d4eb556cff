import { expect, type Page } from '@playwright/test';

/** Taps Approve on the client packet page, then Approve in the confirm sheet it opens. */
export async function approveAndConfirm(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  const sheet = page.getByRole('dialog');
  await expect(sheet.getByText(/^I have reviewed /)).toBeVisible();
  await sheet.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(sheet).toBeHidden();
}
