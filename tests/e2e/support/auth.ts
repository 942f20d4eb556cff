// Signs Playwright pages in through the real UI, reading mail from the dev mailbox
// (/dev/mailbox.json: newest first, items { to, subject, text, html, links, createdAt }).
import {
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Cookie,
  type Page
} from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sessionCookieName } from '../../../src/lib/server/config';

export interface MailboxItem {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  createdAt: string;
}

/** Polls the dev mailbox for the newest mail to `to` created after `since` (and matching `subject`). */
export async function waitForMail(
  request: APIRequestContext,
  to: string,
  since: number,
  timeoutMs = 15_000,
  subject?: RegExp
): Promise<MailboxItem> {
  const deadline = Date.now() + timeoutMs;
  // The dev mailbox answers only requests straight from this machine, without x-forwarded-for;
  // a page that called useOwnIp sends one, so read it through a context of its own.
  const clean = await mailboxContext(request);
  while (Date.now() < deadline) {
    // A keep-alive socket the server closed while this shared context sat idle between tests
    // answers ECONNRESET once: poll again rather than fail.
    const response = await clean.get('/dev/mailbox.json').catch(() => null);
    if (response?.ok()) {
      const items = (await response.json()) as MailboxItem[];
      const mail = items.find(
        (m) =>
          m.to.toLowerCase().includes(to.toLowerCase()) &&
          Date.parse(m.createdAt) >= since - 1000 &&
          (!subject || subject.test(m.subject))
      );
      if (mail) return mail;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no mail to ${to} arrived in the dev mailbox within ${timeoutMs} ms`);
}

let mailboxRequest: APIRequestContext | undefined;

/** A request context without any page's extra headers, for the loopback-only dev mailbox. */
export async function mailboxContext(_like?: APIRequestContext): Promise<APIRequestContext> {
  mailboxRequest ??= await playwrightRequest.newContext({
    baseURL: `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`
  });
  return mailboxRequest;
}

/** The /l/<token> path of a mail. */
export function linkPathOf(mail: MailboxItem): string {
  const all = [...(mail.links ?? []), mail.text];
  for (const candidate of all) {
    const m = candidate.match(/\/l\/([a-z0-9]+)/);
    if (m) return `/l/${m[1]}`;
  }
  throw new Error(`no sign-in link in "${mail.subject}"`);
}

export function codeOf(mail: MailboxItem): string {
  const m = mail.text.match(/code[^0-9]{0,60}(\d{6})\b/i) ?? mail.text.match(/\b(\d{6})\b/);
  if (!m) throw new Error(`no code in "${mail.subject}"`);
  return m[1];
}

/** A client IP of its own for this browser context (the e2e server trusts x-forwarded-for). */
export async function useOwnIp(page: Page): Promise<void> {
  const ip = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': ip });
}

const leftConfirmPage = (u: URL) => !u.pathname.startsWith('/l/');

/**
 * Opens a link from a mail this browser asked for (sign-in, a new link): the confirm page goes
 * on by itself. A broken auto-continue fails here, after the usual timeout.
 */
export async function openLink(page: Page, linkPath: string): Promise<void> {
  await page.goto(linkPath);
  await page.waitForURL(leftConfirmPage);
}

/**
 * Opens a link this browser did not ask for (a packet or invitation mail the firm sent): the
 * confirm page waits for a tap on Continue.
 */
export async function openLinkAndContinue(page: Page, linkPath: string): Promise<void> {
  await page.goto(linkPath);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(leftConfirmPage);
}

// Each address gets one sign-in mail a minute, so a second sign-in of the same address in a
// run reuses the first one's session cookie while it is still valid. Projects run in separate
// workers, so the cookies are also kept in a file in this run's own data directory (made by
// playwright.config.ts, inherited by the workers, removed after the run): never shared with
// another run, whose server would not know them.
const sessions = new Map<string, Cookie[]>();
const sessionFile = process.env.E2E_DATA_DIR
  ? path.join(process.env.E2E_DATA_DIR, 'e2e-sessions.json')
  : null;

function readSessionFile(): Record<string, Cookie[]> {
  if (!sessionFile) return {};
  try {
    return JSON.parse(readFileSync(sessionFile, 'utf8')) as Record<string, Cookie[]>;
  } catch {
    return {}; // no session kept yet in this run
  }
}

function loadSession(email: string): Cookie[] | undefined {
  const key = email.toLowerCase();
  return sessions.get(key) ?? readSessionFile()[key];
}

function saveSession(email: string, cookies: Cookie[]) {
  sessions.set(email.toLowerCase(), cookies);
  if (!sessionFile) return;
  const all = readSessionFile();
  all[email.toLowerCase()] = cookies;
  writeFileSync(sessionFile, JSON.stringify(all));
}

/**
 * Signs the page in as `email` through /sign-in and the mailed link; lands where the link
 * leads (/firm for staff, /p for contacts). The address must have access.
 */
export async function signInByEmail(page: Page, email: string): Promise<void> {
  const cached = loadSession(email);
  if (cached) {
    await page.context().addCookies(cached);
    const response = await page.goto('/account');
    if (response?.ok() && new URL(page.url()).pathname === '/account') return;
  }
  await useOwnIp(page);
  const since = Date.now();
  await askForLink(page, email);
  const mail = await waitForMail(page.request, email, since);
  await openLink(page, linkPathOf(mail));
  await rememberSession(page, email);
}

async function rememberSession(page: Page, email: string) {
  const cookies = await page.context().cookies();
  // The name the server derives from its ORIGIN (the page's own origin here).
  const name = sessionCookieName(new URL(page.url()).origin);
  saveSession(
    email,
    cookies.filter((c) => c.name === name)
  );
}

export const OWNER: SetupValues = {
  firmName: 'Smith & Co',
  ownerName: 'Ann Smith',
  email: 'ann@smith.example'
};

/**
 * Signs the page in as the firm's owner: on a fresh server this runs /setup first, which signs
 * the owner in; later the session setup started is reused.
 */
export async function signInAsOwner(page: Page, baseURL: string): Promise<void> {
  const setupUrl = findSetupUrl(baseURL);
  if (setupUrl) {
    const response = await page.goto(setupUrl);
    if (response?.ok()) {
      await useOwnIp(page);
      await completeSetup(page, setupUrl, OWNER);
      return;
    }
  }
  await signInByEmail(page, OWNER.email);
}

/**
 * Submits /sign-in. One mail a minute per address: when the 429 page says to wait (at most
 * a minute), waits and asks again, so give such tests a longer timeout.
 */
export async function askForLink(page: Page, email: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const done = page.getByRole('heading', { name: 'Check your email' });
    const wait = page.getByRole('heading', { name: 'Please wait a moment' });
    await expect(done.or(wait)).toBeVisible();
    if (await done.isVisible()) return;
    const text = (await page.locator('main').textContent()) ?? '';
    const m = text.match(/in (\d+) (second|minute)/);
    const ms = m ? Number(m[1]) * (m[2] === 'minute' ? 60_000 : 1000) : 60_000;
    if (ms > 61_000) break;
    await page.waitForTimeout(ms + 500);
  }
  throw new Error(`sign-in for ${email} is rate-limited`);
}

/** The first-run setup link the e2e server wrote into its DATA_DIR (see app.ts). */
export function findSetupUrl(baseURL: string): string | null {
  // The server writes its first-run link into the run's data directory (playwright.config.ts).
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) return null;
  try {
    const url = readFileSync(path.join(dir, 'setup-url.txt'), 'utf8').trim();
    return url.startsWith(`${baseURL}/setup`) ? url : null;
  } catch {
    return null;
  }
}

export interface SetupValues {
  firmName: string;
  ownerName: string;
  email: string;
}

/**
 * Fills in /setup; returns what it entered once the new owner is signed in on the dashboard,
 * and keeps that session for signInByEmail.
 */
export async function completeSetup(
  page: Page,
  setupUrl: string,
  values: SetupValues = {
    firmName: 'Smith & Co',
    ownerName: 'Ann Smith',
    email: 'ann@smith.example'
  }
): Promise<SetupValues> {
  await page.goto(setupUrl);
  await page.getByLabel('Firm name').fill(values.firmName);
  await page.getByLabel('Your name').fill(values.ownerName);
  await page.getByLabel('Your email address').fill(values.email);
  await page.getByRole('button', { name: 'Create my firm' }).click();
  await expect(page).toHaveURL(/\/firm$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await rememberSession(page, values.email);
  return values;
}
