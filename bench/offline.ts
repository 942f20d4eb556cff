// Time to open a saved packet and its 60-page PDF (first page painted) with the network gone,
// against the same with the network there, in one Chromium run; both through the service
// worker, as on a phone with the app installed.
//   npx tsx bench/offline.ts [--runs 7]
import { chromium, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildIfStale } from '../scripts/build-if-stale.js';
import { sessionCookieName } from '../src/lib/server/config';
import { seedReviewFixture, startServer } from './support/review-fixture';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 7);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

buildIfStale({ quiet: true });
const fixture = await seedReviewFixture([60, 3]);
const port = await freePort();
const server = await startServer(fixture.dataDir, port);
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']
});

/** ms from navigation start until the packet's h1 shows / the viewer paints page 1. */
async function openPacket(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.goto(`${base}/p/${fixture.packetId}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  return Date.now() - t0;
}
/** Page 1 on screen: its picture (pdf.js itself waits for the reader's first gesture). */
async function openViewer(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.goto(`${base}/p/${fixture.packetId}/d/${fixture.documents[0].id}`);
  await page.waitForFunction(() => performance.getEntriesByName('sheaf:first-page').length > 0, {
    timeout: 30_000
  });
  return Date.now() - t0;
}
/** Page 40 drawn by pdf.js, opened by its link (#page=40): the whole PDF at work. */
async function openPage40(page: Page): Promise<number> {
  await page.goto('about:blank'); // (from the viewer's own URL, only the hash would change)
  const t0 = Date.now();
  await page.goto(`${base}/p/${fixture.packetId}/d/${fixture.documents[0].id}#page=40`);
  await page.locator('[data-first-painted]').waitFor({ timeout: 30_000 });
  return Date.now() - t0;
}

try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'allow'
  });
  await context.addCookies([{ name: sessionCookieName(base), value: fixture.token, url: base }]);
  const page = await context.newPage();
  await page.goto(`${base}/p/${fixture.packetId}`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Save for offline' }).click();
  await page.getByRole('heading', { name: 'Saved on this device' }).waitFor({ timeout: 30_000 });
  const saveMs = Date.now() - t0;
  // Warm both paths once.
  await openViewer(page);

  const times = {
    online: { packet: [] as number[], viewer: [] as number[], page40: [] as number[] },
    offline: { packet: [] as number[], viewer: [] as number[], page40: [] as number[] }
  };
  for (let run = 0; run < RUNS; run++) {
    for (const mode of ['online', 'offline'] as const) {
      await context.setOffline(mode === 'offline');
      times[mode].packet.push(await openPacket(page));
      times[mode].viewer.push(await openViewer(page));
      times[mode].page40.push(await openPage40(page));
    }
  }
  await context.setOffline(false);
  const bytes = fixture.documents.reduce((n, d) => n + d.bytes.byteLength, 0);
  console.log(
    `saved ${fixture.documents.length} PDFs (${Math.round(bytes / 1024)} KB) in ${saveMs} ms`
  );
  for (const what of ['packet', 'viewer', 'page40'] as const) {
    const on = median(times.online[what]);
    const off = median(times.offline[what]);
    console.log(
      `${what.padEnd(7)} online ${on} ms, offline ${off} ms, offline/online ${(off / on).toFixed(2)} (median of ${RUNS})`
    );
  }
  const ratio = (what: 'packet' | 'viewer' | 'page40') =>
    `${(median(times.offline[what]) / median(times.online[what])).toFixed(2)}x`;
  console.log(
    `summary: saved packet offline vs online: packet ${ratio('packet')}, viewer page 1 ${ratio('viewer')} (${median(times.offline.viewer)} vs ${median(times.online.viewer)} ms), page 40 ${ratio('page40')} (${median(times.offline.page40)} vs ${median(times.online.page40)} ms)`
  );
} finally {
  await browser.close();
  server.kill();
  rmSync(fixture.dataDir, { recursive: true, force: true });
}
