// Staff-side steps through the real /firm UI, shared by the journeys: a client with contacts,
// a packet with PDFs (statements generated on the fly and uploaded from a temp dir), publish.
import { expect, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayNameOf } from '../../../src/lib/format/names';
import { makeStatementPdf } from '../../../src/lib/server/demo/statement-pdf';

export interface NewContact {
  name: string;
  email: string;
}

/** A unique tag for names and addresses in this test (per project, per run). */
export const uniqueTag = (project: string) =>
  `${project}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

/** Adds a client with these contacts on /firm/clients; leaves the page on the client. */
export async function addClient(
  page: Page,
  client: { name: string; code: string },
  contacts: NewContact[]
): Promise<string> {
  await page.goto('/firm/clients');
  await page.getByLabel('Name', { exact: true }).fill(client.name);
  await page.getByLabel('Code', { exact: true }).fill(client.code);
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(client.name);
  const clientId = new URL(page.url()).pathname.split('/').pop()!;
  for (const contact of contacts) {
    await page.getByLabel('Email').fill(contact.email);
    await page.getByLabel('Name', { exact: true }).first().fill(contact.name);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect(page.getByText(contact.email, { exact: true })).toBeVisible();
  }
  return clientId;
}

/** Statement PDFs of the given page counts, written to a fresh temp dir; returns their paths. */
export async function statementFiles(
  clientName: string,
  files: { name: string; pages: number }[]
): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheaf-e2e-pdfs-'));
  const paths: string[] = [];
  for (const file of files) {
    const bytes = await makeStatementPdf({
      firmName: 'Smith & Co',
      clientName,
      period: '2026-Q3',
      pages: file.pages
    });
    const target = path.join(dir, file.name);
    writeFileSync(target, bytes);
    paths.push(target);
  }
  return paths;
}

/** From the client's page: a new packet with these files uploaded; returns the packet id. */
export async function composePacket(page: Page, files: string[]): Promise<string> {
  await page.getByRole('link', { name: 'New packet' }).last().click();
  await page.getByRole('button', { name: 'Create packet and add PDFs' }).click();
  await expect(page).toHaveURL(/\/firm\/packets\/[0-9a-f-]{36}$/);
  const packetId = page.url().split('/').pop()!;
  await page.getByLabel('Choose files').setInputFiles(files);
  for (const file of files) {
    await expect(page.getByRole('link', { name: displayNameOf(path.basename(file)) })).toBeVisible({
      timeout: 30_000
    });
  }
  return packetId;
}

/**
 * In the publish confirm sheet Publish opened: sends. `emails` is the count the sheet must
 * offer; without it, any.
 */
export async function confirmPublish(page: Page, emails?: number) {
  const sheet = page.getByRole('dialog', { name: /check before sending/ });
  const name =
    emails === undefined
      ? /^Publish and send \d+ emails?$/
      : `Publish and send ${emails} email${emails === 1 ? '' : 's'}`;
  await sheet.getByRole('button', { name }).click();
}

/** Publishes the packet open on the page and waits for the confirmation. */
export async function publishPacket(page: Page, emails: number): Promise<number> {
  const since = Date.now();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await confirmPublish(page, emails);
  await expect(
    page.getByRole('main').getByText(new RegExp(`Published — ${emails} emails? on the way`))
  ).toBeVisible();
  return since;
}
