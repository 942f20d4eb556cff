// Helpers for the staff-workspace tests.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { getDb } from '../../src/lib/server/db/client';
import * as s from '../../src/lib/server/db/schema';
import { createClient, createContact, createFirmWithStaff, signIn } from './factories';
import { appUrl, TestBrowser } from './server';

/**
 * Number of document blobs in the test blob store. Page 1's pictures (drawn in the background
 * after an upload, so they may land at any moment) are not counted: see pictureBlobs.
 */
export function countBlobs(): number {
  const root = path.join(process.env.DATA_DIR ?? './data', 'blobs');
  let n = 0;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.includes('.page-1.')) n++;
    }
  };
  walk(root);
  return n;
}

/** A firm with a signed-in staff browser and one client with two contacts. */
export async function staffWorld() {
  const db = getDb();
  const world = await createFirmWithStaff(db);
  const browser = new TestBrowser();
  await signIn(browser, world.staff.id, 'staff');
  const client = await createClient(db, world.firm.id, { name: 'Acme Bakery' });
  const a = await createContact(db, client, { name: 'Ada Approver' });
  const b = await createContact(db, client, { name: 'Vic Viewer', role: 'viewer' });
  return { ...world, db, browser, client, contacts: [a, b] };
}

export function uploadPdf(
  browser: TestBrowser,
  packetId: string,
  filename: string,
  bytes: Uint8Array
) {
  return browser.request('POST', `/firm/packets/${packetId}/documents`, {
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    headers: { 'content-type': 'application/pdf', 'x-filename': encodeURIComponent(filename) }
  });
}

export async function documentsOf(packetId: string) {
  return getDb().select().from(s.document).where(eq(s.document.packetId, packetId));
}

/** Posts a form to a page action as a browser without JavaScript (failures render the page). */
export async function postForm(
  browser: TestBrowser,
  pathname: string,
  form: Record<string, string> = {}
) {
  // server.ts sets ORIGIN to the test server's own http:// address: send that for the CSRF check.
  return browser.post(pathname, form, { origin: await appUrl(), accept: 'text/html' });
}
