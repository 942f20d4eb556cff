// A Spanish contact's whole path in Spanish: staff set the contact's language on the client's
// page, the packet mail, the link's page, the packet, the viewer, the offline banner and the
// service worker's offline page speak Spanish and <html lang="es">, as do the used link's
// sign-in on another phone and an error page's way home; a saved packet opened offline
// speaks Spanish; the contact switches to English in /account and back, and the page follows.
// SHEAF_SCREENSHOTS=1 also saves the packet page at 390×844 in both languages (docs/screenshots).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { linkPathOf, signInAsOwner, useOwnIp, waitForMail } from './support/auth';
import { addClient, composePacket, publishPacket, statementFiles, uniqueTag } from './support/firm';
import { waitForServiceWorker } from './support/offline';
import { expectPdfPainted } from './support/viewer';

test.skip(({ isMobile }) => !isMobile, 'the language journey is on a phone (390x844)');

const shots = process.env.SHEAF_SCREENSHOTS
  ? (process.env.SHEAF_SCREENSHOTS_DIR ?? 'test-results/screenshots')
  : null;

async function shoot(page: Page, name: string) {
  if (!shots) return;
  await page.waitForLoadState('networkidle');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}-phone.png`) });
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

test('a Spanish contact reads the mail, link, packet, viewer and offline pages in Spanish', async ({
  page,
  browser,
  baseURL,
  context
}, testInfo) => {
  test.setTimeout(180_000);
  const staff = await browser.newPage();
  await signInAsOwner(staff, baseURL!);
  const tag = uniqueTag(testInfo.project.name);
  const clientName = `Panadería Sol ${tag}`;
  const email = `lucia-${tag}@panaderia.example`;
  await addClient(staff, { name: clientName, code: `PS${tag}`.slice(0, 20).toUpperCase() }, [
    { name: 'Lucía Gómez', email }
  ]);

  // Staff set the contact's language where they manage contacts.
  await staff.getByRole('button', { name: `Edit ${email}` }).click();
  await staff.getByLabel(`Language for ${email}`).selectOption('es');
  await staff.getByRole('button', { name: 'Save language' }).click();
  await expect(staff.getByText('Language saved.')).toBeVisible();

  const files = await statementFiles(clientName, [{ name: 'Extractos.pdf', pages: 2 }]);
  const packetId = await composePacket(staff, files);
  const since = await publishPacket(staff, 1);

  // The mail, in Spanish.
  const mail = await waitForMail(
    staff.request,
    email,
    since,
    15_000,
    /ya está disponible para revisar/
  );
  expect(mail.subject).toContain('Smith & Co');
  expect(mail.text).toContain('Hola, Lucía:');
  expect(mail.text).toContain('Revisar documentos');
  expect(mail.html).toContain('<html lang="es">');

  // The link's page, before signing in.
  await useOwnIp(page);
  await page.goto(linkPathOf(mail));
  expect(await htmlLang(page)).toBe('es');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Continuar como');
  await expect(page.getByText('¿No es usted? Cierre esta página.')).toBeVisible();
  await page.getByRole('button', { name: 'Continuar', exact: true }).click();

  // The packet.
  await expect(page).toHaveURL(new RegExp(`/p/${packetId}$`));
  expect(await htmlLang(page)).toBe('es');
  await expect(page.getByRole('heading', { name: 'Documentos' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Aprobar', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Algo no está bien' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Preguntas y respuestas' })).toBeVisible();
  await shoot(page, 'languages-packet-es');

  // The used link on another phone, its browser in English: signing in there with the address
  // stays in Spanish (the link's page remembered its contact's language).
  const otherPhone = await browser.newContext({ baseURL, locale: 'en-US' });
  const other = await otherPhone.newPage();
  await useOwnIp(other);
  await other.goto(linkPathOf(mail));
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Este enlace ya se ha usado');
  await other.getByRole('link', { name: /inicie sesión/ }).click();
  await expect(other).toHaveURL(/\/sign-in$/);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
  expect(await htmlLang(other)).toBe('es');
  await otherPhone.close();

  // A page that is not there: "home" is the contact's documents, not the front page.
  await page.goto('/no-such-page');
  await page.getByRole('link', { name: 'Ir a la página de inicio' }).click();
  await expect(page).toHaveURL(/\/p$/);
  expect(await htmlLang(page)).toBe('es');
  await page.goto(`/p/${packetId}`);

  // The viewer.
  await page.getByRole('link', { name: /Extractos.*2 páginas ·/ }).click();
  await expectPdfPainted(page);
  expect(await htmlLang(page)).toBe('es');
  await expect(page.getByRole('button', { name: /^Página 1 de 2\./ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Acercar' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Preguntar sobre esta página' })).toBeVisible();

  // Offline: the banner.
  await context.setOffline(true);
  await expect(page.locator('[data-offline-banner]')).toContainText('No tiene conexión');
  await context.setOffline(false);
  await expect(page.locator('[data-offline-banner]')).toHaveCount(0);

  // Offline, the packet (not saved): the service worker's own page, in the language of the
  // last page it fetched, though this browser's own language is English.
  await waitForServiceWorker(page);
  expect(await page.evaluate(() => navigator.language)).toMatch(/^en/);
  await context.setOffline(true);
  const answer = await page.goto(`/p/${packetId}`);
  expect(answer?.status()).toBe(503);
  expect(await htmlLang(page)).toBe('es');
  await expect(
    page.getByRole('heading', { level: 1, name: 'Esta carpeta no está en este dispositivo' })
  ).toBeVisible();
  await expect(page.getByText('toque «Guardar sin conexión»')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sus documentos guardados' })).toBeVisible();
  await expect(page).toHaveTitle('Esta carpeta no está en este dispositivo · Sheaf');
  await shoot(page, 'languages-offline-es');
  await context.setOffline(false);

  // Saved, then offline: the packet opens from the saved copy, and what the browser draws
  // itself (the save card) is in Spanish too: its messages come from the service worker's cache.
  await page.goto(`/p/${packetId}`);
  const save = page.locator('[data-save-offline]');
  await save.getByRole('button', { name: 'Guardar sin conexión' }).click();
  await expect(save.getByRole('heading', { name: 'Guardado en este dispositivo' })).toBeVisible({
    timeout: 20_000
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Documentos' })).toBeVisible();
  await expect(save.getByRole('heading', { name: 'Guardado en este dispositivo' })).toBeVisible();
  await context.setOffline(false);

  // The contact chooses English in /account: the page follows at once.
  await page.goto('/account');
  expect(await htmlLang(page)).toBe('es');
  await page.getByLabel('Idioma de sus páginas y correos').selectOption('en');
  await page.getByRole('button', { name: 'Guardar idioma' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect.poll(() => htmlLang(page)).toBe('en');
  await page.goto(`/p/${packetId}`);
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  expect(await htmlLang(page)).toBe('en');
  await shoot(page, 'languages-packet-en');

  // And back to Spanish: the page follows once the Spanish messages have arrived.
  await page.goto('/account');
  await page.getByLabel('Language of your pages and mail').selectOption('es');
  await page.getByRole('button', { name: 'Save language' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su cuenta');
  await expect.poll(() => htmlLang(page)).toBe('es');
  await staff.close();
});
