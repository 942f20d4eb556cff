// Issue 19 on a phone: an approver and a viewer read the same status words as staff; Approve
// asks for confirmation naming the documents; an approval can be withdrawn until staff act on
// it (here: archiving), and the viewer is told the packet is for their information.
import { expect, test, type Page } from '@playwright/test';
import * as auth from './support/auth';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { expectPhoneLayout, newPhoneContext } from './support/phone';

async function makeViewer(staff: Page, email: string) {
  await staff.getByRole('button', { name: `Edit ${email}` }).click();
  await staff.getByLabel('Role').selectOption('viewer');
  await staff.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(staff.getByText('viewer', { exact: true })).toBeVisible();
}

const chip = (page: Page) => page.locator('.period .badge');

test('approver and viewer: the same words as staff, a confirmed approval, then withdrawn', async ({
  page: staff,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(180_000);
  await auth.signInAsOwner(staff, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const ada = { name: 'Ada Approver', email: `ada-${tag}@harbour.example` };
  const vic = { name: 'Vic Viewer', email: `vic-${tag}@harbour.example` };
  const clientName = `Harbour Mill ${tag}`;
  await addClient(staff, { name: clientName, code: `HM${tag}`.slice(0, 20) }, [ada, vic]);
  await makeViewer(staff, vic.email);
  const files = await statementFiles(clientName, [
    { name: 'Bank_statements.pdf', pages: 2 },
    { name: 'Profit-and-loss.pdf', pages: 1 }
  ]);
  const packetId = await composePacket(staff, files);
  await publishPacket(staff, 2);
  const header = staff.locator('.sub');
  await expect(header).toContainText('Waiting for approval');
  await expect(header).toContainText('0 of 1 approver approved');

  const phones = await Promise.all([newPhoneContext(browser), newPhoneContext(browser)]);
  const [approver, viewer] = await Promise.all(phones.map((c) => c.newPage()));
  await auth.signInByEmail(viewer, vic.email);
  await viewer.goto(`/p/${packetId}`);
  await expect(chip(viewer)).toHaveText('Waiting for approval');
  await expect(viewer.getByText(/This packet is for your information/)).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await expect(viewer.getByText(/^Due /)).toHaveCount(0);
  await expectPhoneLayout(viewer);

  // The approver: Approve opens a sheet naming the documents; Cancel changes nothing.
  await auth.signInByEmail(approver, ada.email);
  await approver.goto(`/p/${packetId}`);
  await expect(chip(approver)).toHaveText('Waiting for approval');
  await expect(approver.getByRole('link', { name: 'I have a question' })).toHaveCount(0);
  await expect(approver.getByLabel('Ask your accountant')).toBeVisible();
  await approver.getByRole('button', { name: 'Approve', exact: true }).click();
  const sheet = approver.getByRole('dialog', { name: 'Approve this packet?' });
  await expect(sheet).toContainText('Bank statements');
  await expect(sheet).toContainText('Profit and loss');
  await expect(sheet).toContainText('I have reviewed these 2 documents and approve them.');
  await expectPhoneLayout(approver);
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await expect(sheet).toBeHidden();
  await expect(chip(approver)).toHaveText('Waiting for approval');

  await approver.getByRole('button', { name: 'Approve', exact: true }).click();
  await sheet.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(approver.getByText(/You approved this packet/)).toBeVisible();
  await expect(chip(approver)).toHaveText('Approved');
  await expect(approver.getByText(/until .* publishes a new version or archives/)).toBeVisible();

  // Everyone says Approved; the viewer sees who approved.
  await viewer.reload();
  await expect(chip(viewer)).toHaveText('Approved');
  await expect(viewer.getByText('Approved by Ada Approver.')).toBeVisible();
  await staff.reload();
  await expect(header).toContainText('Approved');
  await expect(header).toContainText('1 of 1 approver approved');

  // Withdrawn: waiting again, on every side, and staff see it in the activity.
  await approver.getByRole('button', { name: 'Withdraw approval' }).click();
  await expect(approver.getByText('Your approval was withdrawn.')).toBeVisible();
  await expect(chip(approver)).toHaveText('Waiting for approval');
  await expect(approver.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
  await viewer.reload();
  await expect(chip(viewer)).toHaveText('Waiting for approval');
  await staff.reload();
  await expect(header).toContainText('Waiting for approval');
  await expect(staff.getByText('withdrew their approval')).toBeVisible();

  // Approved again, then staff archive the packet: it can no longer be withdrawn.
  await approver.getByRole('button', { name: 'Approve', exact: true }).click();
  await sheet.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(approver.getByText(/You approved this packet/)).toBeVisible();
  await staff.getByRole('button', { name: 'Archive packet' }).click();
  await expect(staff.getByRole('button', { name: 'Restore packet' })).toBeVisible();
  await approver.reload();
  await expect(approver.getByText(/You approved this packet/)).toBeVisible();
  await expect(approver.getByRole('button', { name: 'Withdraw approval' })).toHaveCount(0);
  await Promise.all(phones.map((c) => c.close()));
});
