// Bulk publish for a period: staff drop a stack of PDFs, each is matched to a client by the
// client's code or name in its filename, the unmatched ones are listed and left out, and one tap
// creates and publishes a packet per client; every contact of each gets the packet mail.
import { expect, test, type Page } from '@playwright/test';
import { signInAsOwner, waitForMail } from './support/auth';
import { displayNameOf } from '../../src/lib/format/names';
import { dropFiles } from './support/drop';
import { addClient, uniqueTag } from './support/firm';
import { makeTestPdf } from './support/offline';

/** The packet's documents in their order, as the staff packet page lists them. */
async function documentOrder(page: Page): Promise<string[]> {
  const labels = await page
    .getByRole('button', { name: /^Move .+ up$/ })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Move (.+) up$/, '$1'));
}

test('drop PDFs for several clients, check the matches, publish them all at once', async ({
  page,
  baseURL
}, testInfo) => {
  test.setTimeout(240_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const short = tag.split('-').pop()!.toUpperCase();
  // Two clients share a name (it happens: unrelated businesses called the same); codes differ.
  const alder = {
    name: `Alder Joinery ${tag}`,
    code: `AJ${short}`,
    contacts: [{ name: 'Ash Alder', email: `ash-${tag}@alder.example` }]
  };
  const alder2 = {
    name: alder.name,
    code: `AK${short}`,
    contacts: [{ name: 'Kit Alder', email: `kit-${tag}@alder2.example` }]
  };
  const birch = {
    name: `Birch Dental ${tag}`,
    code: `BD${short}`,
    contacts: [
      { name: 'Bea Birch', email: `bea-${tag}@birch.example` },
      { name: 'Ben Birch', email: `ben-${tag}@birch.example` }
    ]
  };
  const ids = new Map<string, string>();
  for (const c of [alder, alder2, birch]) {
    ids.set(c.code, await addClient(page, { name: c.name, code: c.code }, c.contacts));
  }

  await page.goto('/firm');
  await page.getByRole('link', { name: 'Bulk publish' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/bulk$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk publish' })).toBeVisible();
  const title = `Bulk review ${tag}`;
  await page.getByLabel('Title').fill(title);

  const pdf = async (name: string) => ({
    name,
    mimeType: 'application/pdf',
    buffer: await makeTestPdf(name, 2)
  });
  const byCode = [`${alder.code} 2026-Q3 statements.pdf`, `${alder.code}_payroll.pdf`];
  const byCode2 = `${alder2.code} - ledger.pdf`;
  const byName = `${birch.name} accounts.pdf`;
  const unmatched = `Scan 0042 ${tag}.pdf`;
  await dropFiles(page.getByRole('group', { name: 'Add PDFs' }), [
    await pdf(byCode[0]),
    await pdf(byName),
    await pdf(unmatched),
    await pdf(byCode[1]),
    await pdf(byCode2),
    { name: `notes ${tag}.txt`, mimeType: 'text/plain', buffer: Buffer.from('not a PDF') }
  ]);

  // The matches, the unmatched file, and what will be published.
  await expect(page.getByText('4 matched to 3 clients, 1 unmatched')).toBeVisible();
  for (const f of byCode)
    await expect(page.getByLabel(`Client for ${f}`)).toHaveValue(ids.get(alder.code)!);
  await expect(page.getByLabel(`Client for ${byCode2}`)).toHaveValue(ids.get(alder2.code)!);
  await expect(page.getByLabel(`Client for ${byName}`)).toHaveValue(ids.get(birch.code)!);
  await expect(page.getByLabel(`Client for ${unmatched}`)).toHaveValue('');
  await expect(page.getByText(`notes ${tag}.txt`)).toHaveCount(0);
  await expect(page.getByText('Creates and publishes 3 packets')).toBeVisible();
  await expect(page.getByText('2 PDFs · 1 contact')).toBeVisible();
  await expect(page.getByText('1 PDF · 2 contacts')).toBeVisible();

  // Hold the first upload to see the run under way.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  await page.route('**/firm/packets/*/documents', async (route) => {
    if (route.request().method() === 'POST' && first) {
      first = false;
      await held;
    }
    await route.continue();
  });
  const since = Date.now();
  await page.getByRole('button', { name: 'Create and publish 3' }).click();
  await expect(page.getByRole('button', { name: 'Publishing…' })).toBeDisabled();
  await expect(page.getByRole('progressbar', { name: `Uploading ${byCode[0]}` })).toBeVisible();
  await expect(page.getByLabel(`Client for ${byName}`)).toBeDisabled();
  release();

  // One result per client, all published; the unmatched file stays behind, unpublished.
  const results = page.getByRole('listitem').filter({ has: page.getByText(/^published$/) });
  await expect(results).toHaveCount(3, { timeout: 60_000 });
  await expect(page.getByText('not published')).toHaveCount(0);
  for (const c of [alder, alder2, birch]) {
    await expect(results.filter({ hasText: c.code })).toHaveCount(1);
  }
  await expect(page.getByRole('link', { name: alder.name })).toHaveCount(2);
  await expect(page.getByRole('link', { name: birch.name })).toHaveCount(1);
  await expect(page.getByLabel(`Client for ${unmatched}`)).toHaveValue('');
  for (const f of [...byCode, byCode2, byName]) {
    await expect(page.getByLabel(`Client for ${f}`)).toHaveCount(0);
  }
  await expect(page.getByRole('button', { name: /^Create and publish/ })).toBeDisabled();
  await page.unroute('**/firm/packets/*/documents');

  // Every contact of each client has the packet mail in the dev mailbox.
  const subject = new RegExp(`${title} for .* is ready to review`);
  for (const c of [...alder.contacts, ...alder2.contacts, ...birch.contacts]) {
    const mail = await waitForMail(page.request, c.email, since, 20_000, subject);
    expect(mail.links.some((l) => /\/l\/[a-z0-9]+/.test(l)) || /\/l\//.test(mail.text)).toBe(true);
  }

  // Each packet is published with its client's files, in the order they were dropped.
  const expected = new Map([
    [ids.get(alder.code)!, byCode],
    [ids.get(alder2.code)!, [byCode2]],
    [ids.get(birch.code)!, [byName]]
  ]);
  const hrefs = await page
    .getByRole('link', { name: new RegExp(`^(${alder.name}|${birch.name})$`) })
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  expect(hrefs).toHaveLength(3);
  const seen = new Set<string>();
  for (const href of hrefs) {
    await page.goto(href);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
    // Published, so waiting for the client's approval (staff read the client's words).
    await expect(page.getByText(/^(Waiting for approval|Due soon|Overdue)$/)).toBeVisible();
    const clientId = (await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link')
      .last()
      .getAttribute('href'))!
      .split('/')
      .pop()!;
    seen.add(clientId);
    // The staff list names each by its display name (no extension, _ and - read as spaces).
    expect(await documentOrder(page)).toEqual(expected.get(clientId)!.map(displayNameOf));
  }
  expect(seen.size).toBe(3);
});

test('a connection lost mid-run says so, and the button works again', async ({
  page,
  baseURL,
  isMobile
}, testInfo) => {
  test.skip(!isMobile, 'a dropped connection is a phone’s journey (390x844)');
  test.setTimeout(120_000);
  await signInAsOwner(page, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const short = tag.split('-').pop()!.toUpperCase();
  const cedar = { name: `Cedar Farm ${tag}`, code: `CF${short}` };
  await addClient(page, cedar, [{ name: 'Cy Cedar', email: `cy-${tag}@cedar.example` }]);

  await page.goto('/firm/packets/bulk');
  await page.getByLabel('Title').fill(`Bulk cut off ${tag}`);
  const file = `${cedar.code} statements.pdf`;
  await dropFiles(page.getByRole('group', { name: 'Add PDFs' }), [
    { name: file, mimeType: 'application/pdf', buffer: await makeTestPdf(file, 1) }
  ]);
  const publish = page.getByRole('button', { name: 'Create and publish 1' });
  const notPublished = page
    .getByRole('listitem')
    .filter({ has: page.getByText(/^not published$/) });

  // The connection drops as the packet is created: nothing is made, the file stays to try again.
  await page.route('**/firm/packets/bulk/create', (route) => route.abort('internetdisconnected'));
  await publish.click();
  await expect(notPublished).toContainText(cedar.name);
  await expect(notPublished).toContainText('The connection failed. Try again.');
  await expect(publish).toBeEnabled();
  await expect(page.getByLabel(`Client for ${file}`)).toBeEnabled();
  await page.unroute('**/firm/packets/bulk/create');

  // It drops as the packet is published: the packet is left as a draft, and the page says so.
  await page.route('**/firm/packets/*/publish', (route) => route.abort('internetdisconnected'));
  await publish.click();
  await expect(notPublished).toContainText('The connection failed. Left as a draft.');
  await expect(notPublished.getByRole('link', { name: cedar.name })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Publishing…' })).toHaveCount(0);
  await page.unroute('**/firm/packets/*/publish');
});
