import { expect, test } from '@playwright/test';

interface Manifest {
  name: string;
  short_name: string;
  description?: string;
  lang?: string;
  start_url: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test.describe('installable app', () => {
  test.skip(({ isMobile }) => !isMobile, 'checked once, on the phone');

  test('the page links a valid manifest whose icons load at their stated sizes', async ({
    page,
    request
  }) => {
    await page.goto('/');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const response = await request.get(new URL(href!, page.url()).toString());
    expect(response.status()).toBe(200);
    const manifest = (await response.json()) as Manifest;
    expect(manifest).toMatchObject({
      name: 'Sheaf',
      short_name: 'Sheaf',
      start_url: '/p',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i)
    });
    // One manifest for every language: no sentence in one of them, and no language claimed.
    expect(manifest.description).toBeUndefined();
    expect(manifest.lang).toBeUndefined();

    const sizes = manifest.icons.map((i) => `${i.sizes}:${i.purpose ?? 'any'}`);
    expect(sizes).toEqual(
      expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable'])
    );
    for (const icon of manifest.icons) {
      const file = await request.get(new URL(icon.src, page.url()).toString());
      expect(file.status(), icon.src).toBe(200);
      expect(file.headers()['content-type']).toContain('image/png');
      const [w, h] = pngSize(await file.body());
      expect(`${w}x${h}`).toBe(icon.sizes);
    }

    const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    const [w, h] = pngSize(
      await (await request.get(new URL(touch!, page.url()).toString())).body()
    );
    expect([w, h]).toEqual([180, 180]);
    const favicon = await request.get('/favicon.svg');
    expect(favicon.headers()['content-type']).toContain('svg');
  });

  test('the service worker controls the page after one reload, without CSP errors', async ({
    page
  }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
        violations.push(m.text());
      }
    });
    await page.goto('/');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null))
      .toMatch(/\/service-worker\.js$/);
    // The app shell is precached: its scripts are in Cache Storage.
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      let urls: string[] = [];
      for (const name of names) {
        const keys = await (await caches.open(name)).keys();
        urls = urls.concat(keys.map((r) => r.url));
      }
      return urls;
    });
    expect(cached.some((u) => /\/_app\/immutable\/entry\/start\.[\w-]+\.js/.test(u))).toBe(true);
    expect(cached.some((u) => u.includes('manifest.webmanifest'))).toBe(true);
    expect(violations).toEqual([]);
  });

  test('a page deep in the app registers the worker at the root; offline, it answers', async ({
    page,
    context
  }) => {
    await page.goto('/sign-in');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const scope = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.scope
    );
    expect(new URL(scope!).pathname).toBe('/');
    // Online, the reload is the server's page (through the worker), not the offline one.
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    const script = await page
      .locator('link[rel="modulepreload"]')
      .first()
      .evaluate((link: HTMLLinkElement) => link.href);
    expect(new URL(script).pathname).toMatch(/^\/_app\/immutable\//);

    await context.setOffline(true);
    // The app shell still loads from the precache...
    const shell = await page.evaluate(async (src) => (await fetch(src)).status, script);
    expect(shell).toBe(200);
    // ...and a page that needs the network gets the worker's offline page, not the browser's.
    const response = await page.goto('/account');
    expect(response?.status()).toBe(503);
    await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Your saved documents' })).toBeVisible();
    await context.setOffline(false);
  });
});
