import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const port = Number(process.env.E2E_PORT ?? 4173);
// The config is loaded by the runner and again by each worker: one throw-away data directory per
// run, made by the runner (workers inherit its environment) and removed when the runner exits,
// after the web server has stopped.
const dataDir = (process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'sheaf-e2e-')));
if (process.env.TEST_WORKER_INDEX === undefined) {
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
}
// Browsers refuse passkeys on an IP address, so the suite runs on a host name (passkeys.spec.ts
// needs it); the server still listens on 127.0.0.1. E2E_HOST=127.0.0.1 runs it on the address.
const host = process.env.E2E_HOST ?? 'localhost';
export const baseURL = `http://${host}:${port}`;

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync'
  ]
};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  // A retry shows whether a failure is flaky, but under CI a test that needed one fails the
  // run: a green CI must not hide a flaky test.
  retries: process.env.CI ? 1 : 0,
  failOnFlakyTests: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    launchOptions,
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  projects: [
    {
      // The one-time /setup journey, first, on a phone: every other spec finds the firm made.
      name: 'first-run',
      testMatch: /first-run\.setup\.ts/,
      use: {
        ...devices['Pixel 7'],
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        browserName: 'chromium'
      }
    },
    {
      name: 'phone',
      dependencies: ['first-run'],
      use: {
        ...devices['Pixel 7'],
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        browserName: 'chromium'
      }
    },
    {
      name: 'desktop',
      dependencies: ['first-run'],
      use: { viewport: { width: 1280, height: 800 }, browserName: 'chromium' }
    }
  ],
  webServer: {
    command: 'node scripts/build-if-stale.js && node build/index.js',
    url: `http://127.0.0.1:${port}/api/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: baseURL,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      POSTMARK_SERVER_TOKEN: '',
      // Browsers send x-forwarded-for (below), so the mailbox is opened explicitly, not by
      // the loopback check.
      MAIL_TRANSPORT: 'mailbox',
      NODE_ENV: 'production',
      // As npm start sets it (adapter-node's own default, 512K, would refuse most PDFs).
      BODY_SIZE_LIMIT: '51M',
      E2E_DATA_DIR: dataDir,
      // Each test browser can send its own x-forwarded-for, so per-IP rate limits do not add up
      // across the whole run (tests/e2e/support/auth.ts).
      ADDRESS_HEADER: 'x-forwarded-for'
    }
  }
});
