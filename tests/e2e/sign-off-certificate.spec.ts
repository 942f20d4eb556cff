// Issue 21 on a phone: an approver approves through the confirm sheet, then downloads the
// sign-off certificate from their packet page; staff find it on the packet page too and verify
// the file the approver got.
import { expect, test } from '@playwright/test';
import * as auth from './support/auth';
import { approveAndConfirm } from './support/approve';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { newPhoneContext } from './support/phone';
import { expectNoViolations } from './support/axe';

test('an approver downloads the sign-off certificate after approving', async ({
  page: staff,
  browser,
  baseURL
}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a journey on a phone');
  test.setTimeout(180_000);
  await auth.signInAsOwner(staff, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const ada = { name: 'Ada Approver', email: `ada-${tag}@harbour.example` };
  const clientName = `Harbour Mill ${tag}`;
  await addClient(staff, { name: clientName, code: `HC${tag}`.slice(0, 20) }, [ada]);
  const files = await statementFiles(clientName, [{ name: 'Bank_statements.pdf', pages: 2 }]);
  const packetId = await composePacket(staff, files);
  await publishPacket(staff, 1);

  const context = await newPhoneContext(browser);
  const phone = await context.newPage();
  await auth.signInByEmail(phone, ada.email);
  await phone.goto(`/p/${packetId}`);
  await expect(phone.getByRole('link', { name: /Sign-off certificate/ })).toHaveCount(0);
  await approveAndConfirm(phone);
  await expect(phone.getByText(/You approved this packet/)).toBeVisible();

  const link = phone.getByRole('link', { name: 'Sign-off certificate (PDF)' });
  await expect(link).toBeVisible();
  const [download] = await Promise.all([phone.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^Sign-off certificate .*v1\.pdf$/);
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // Staff find the same certificate on the packet page.
  await staff.goto(`/firm/packets/${packetId}`);
  await expect(
    staff.getByRole('link', { name: 'Sign-off certificate, version 1 (PDF)' })
  ).toBeVisible();

  // ... and verify the approver's file: issued by the firm, its document unchanged.
  for (const colorScheme of ['light', 'dark'] as const) {
    await staff.emulateMedia({ colorScheme });
    await staff.goto('/firm/certificates/verify');
    await expectNoViolations(staff, `/firm/certificates/verify (${colorScheme})`);
    await staff.getByLabel(/Certificate \(PDF/).setInputFiles({
      name: 'certificate.pdf',
      mimeType: 'application/pdf',
      buffer: bytes
    });
    await staff.getByRole('button', { name: 'Verify' }).click();
    await expect(staff.getByText(/^This is the certificate issued for/)).toBeVisible();
    await expect(staff.getByText('matches the file the firm holds', { exact: true })).toBeVisible();
    await expectNoViolations(staff, `/firm/certificates/verify result (${colorScheme})`);
  }
  await context.close();
});
