// A contact's own phone, whatever device the project runs staff on: Playwright's
// browser.newContext() takes nothing from the project's `use`, so say what a phone is.
import { devices, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const PHONE = {
  viewport: { width: 390, height: 844 },
  screen: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent: devices['Pixel 7'].userAgent
} as const;

/** A new browser context that looks like a phone to the app (size, touch, mobile user agent). */
export function newPhoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ...PHONE, serviceWorkers: 'allow' });
}

/** The page really is on a phone, and nothing on it is wider than the screen. */
export async function expectPhoneLayout(page: Page): Promise<void> {
  const seen = await page.evaluate(() => ({
    width: window.innerWidth,
    mobileAgent: /Mobile/.test(navigator.userAgent),
    touch: matchMedia('(pointer: coarse)').matches,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth
  }));
  expect(seen, page.url()).toEqual({ width: 390, mobileAgent: true, touch: true, overflow: 0 });
}
