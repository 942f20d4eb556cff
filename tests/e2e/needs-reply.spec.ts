// Issue 18, "Needs reply": a contact asks on their phone; staff, on a phone too, find the question
// in the dashboard's Needs reply list (and the app bar's count), mark a follow-up answered from the
// list, open the question in the packet, reply to it, and the list lets it go. The reply mail
// quotes the question.
// SHEAF_SCREENSHOTS_DIR=<dir> also saves the new UI at 390×844 and 1280×800, light and dark.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitForMail } from './support/auth';
import { uniqueTag } from './support/firm';
import { openAsContact, publishPacket } from './support/offline';
import { newPhoneContext } from './support/phone';
import { useColourScheme } from './support/scheme';

const shots = process.env.SHEAF_SCREENSHOTS_DIR;

async function expectNoViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' '))}`
  );
  expect(found, `axe on ${name}`).toEqual([]);
}

/**
 * When screenshots are asked for: this phone page in light and dark, then the same address (or
 * `desktopPath`) at 1280×800 in a desktop browser signed in as the same person. Full pages.
 */
async function shoot(page: Page, name: string, desktopPath?: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  const both = async (p: Page, size: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await useColourScheme(p, scheme);
      // From the top, nothing focused: the sticky app bar stays at the top of a full-page shot.
      await p.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await p.screenshot({
        path: path.join(shots, `${name}-${size}-${scheme}.png`),
        fullPage: true
      });
    }
    await p.emulateMedia({ colorScheme: 'light' });
  };
  await both(page, '390');
  const desktop = await page
    .context()
    .browser()!
    .newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      storageState: await page.context().storageState()
    });
  const wide = await desktop.newPage();
  await wide.goto(desktopPath ?? page.url());
  await both(wide, '1280');
  await desktop.close();
}

/** The app bar's count, 0 when it is not shown. */
async function appBarCount(page: Page): Promise<number> {
  const link = page.getByRole('link', { name: /^Needs reply: \d+ questions?$/ });
  if ((await link.count()) === 0) return 0;
  return Number((await link.getAttribute('aria-label'))!.match(/\d+/)![0]);
}

test('staff see a question in Needs reply on a phone, reply from the packet, and the list empties', async ({
  page,
  browser,
  baseURL
}, testInfo) => {
  test.setTimeout(240_000);
  // Staff on a phone too (a context of its own: axe needs one).
  const staffContext = await newPhoneContext(browser);
  const staff = await staffContext.newPage();
  const published = await publishPacket(
    staff,
    baseURL!,
    uniqueTag(`reply-${testInfo.project.name}`)
  );
  const question = `Is the March rent of £1,250 in these statements? (${Date.now().toString(36)})`;

  const thanks = `Never mind, found it. Thanks! (${Date.now().toString(36)})`;

  // The contact asks on their phone, then follows up.
  await openAsContact(page, published);
  for (const text of [question, thanks]) {
    await page.getByLabel('Ask your accountant').fill(text);
    await page.getByRole('button', { name: 'Send question' }).click();
    await expect(page.getByText(text)).toBeVisible();
  }

  // Staff: the app bar counts it, the dashboard lists it with its age.
  await staff.goto('/firm');
  const before = await appBarCount(staff);
  expect(before).toBeGreaterThanOrEqual(2);
  const list = staff.getByRole('region', { name: /^Needs reply/ });
  const item = list.getByRole('listitem').filter({ hasText: question });
  await expect(item).toContainText('Casey Baker');
  await expect(item).toContainText(/just now|1 minute ago/);
  await expect(item.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
  await expectNoViolations(staff, '/firm with Needs reply');
  await shoot(staff, 'dashboard-needs-reply');

  // The follow-up needs no reply: marked answered from the list itself.
  const followUp = list.getByRole('listitem').filter({ hasText: thanks });
  await followUp.getByRole('button', { name: /^Mark answered/ }).click();
  await expect(staff.getByText('Marked answered.').first()).toBeVisible();
  await expect(followUp).toHaveCount(0);
  await expect.poll(() => appBarCount(staff)).toBe(before - 1);

  // Open it in the packet, choose Reply: the box answers that question.
  await item.getByRole('link', { name: new RegExp(question.slice(0, 20)) }).click();
  await expect(staff).toHaveURL(new RegExp(`/firm/packets/${published.packetId}#q-[0-9a-f-]{36}$`));
  const entry = staff.locator(`li[id^="q-"]`).filter({ hasText: question });
  await expect(entry).toContainText('needs reply');
  await entry.getByRole('link', { name: 'Reply to Casey Baker’s question' }).click();
  const box = staff.getByLabel('Reply to Casey Baker', { exact: true });
  await expect(box).toBeFocused();
  await expect(staff.locator('#reply blockquote')).toContainText(question);
  await box.fill('Yes: it is on page 2 of the bank statements, paid on 1 March.');
  await expectNoViolations(staff, '/firm/packets/[id] replying');
  const questionId = (await entry.getAttribute('id'))!.slice(2);
  await shoot(
    staff,
    'packet-thread-replying',
    `/firm/packets/${published.packetId}?replyTo=${questionId}#reply`
  );
  const since = Date.now();
  await staff.getByRole('button', { name: 'Send reply' }).click();
  await expect(staff.getByText('Reply sent to the client.').first()).toBeVisible();
  await expect(entry).toContainText(/Answered by Ann Smith/);
  await expect(entry).not.toContainText('needs reply');
  await expect(entry.getByRole('button', { name: /^Reopen/ })).toBeVisible();
  await shoot(staff, 'packet-thread-answered');

  // The list lets it go, and the app bar counts one fewer.
  await staff.goto('/firm');
  await expect(list.getByRole('listitem').filter({ hasText: question })).toHaveCount(0);
  expect(await appBarCount(staff)).toBe(before - 2);
  if (before === 2) await expect(list).toContainText('No questions are waiting');
  await shoot(staff, 'dashboard-needs-reply-empty');

  // The contact's mail quotes the question above the reply.
  const mail = await waitForMail(staff.request, published.contactEmail, since, 15_000, /replied/);
  expect(mail.text).toContain('You asked on');
  expect(mail.text).toContain(question);
  await staffContext.close();
});
