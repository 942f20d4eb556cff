// A firm's logo: an owner uploads a PNG, JPEG or WebP; it is checked from its header
// (logo-image.ts), decoded and drawn at fixed sizes in a child process (logo-render.ts), and the
// PNGs are stored in the blob store under a new random prefix (logo-key.ts). Only then is the
// firm row pointed at them, audited; the previous logo's blobs go after the commit. Any refusal
// stores nothing.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { firm, type Firm } from '../db/schema';
import { readBlob, type BlobStore } from '../storage';
import { DAMAGED, readLogoFacts } from './logo-image';
import {
  LOGO_HEIGHTS,
  logoBlobKey,
  logoSize,
  newLogoColumn,
  parseLogoColumn,
  type LogoHeight
} from './logo-key';
import { drawLogoSizes, LogoDecodeError } from './logo-render';
import { updateFirmSetting, type SettingActor } from './settings';

export type LogoUpload = { ok: true; logo: string } | { ok: false; message: string };

/**
 * Checks, draws and stores an uploaded logo, then sets it as the firm's in one transaction with
 * its audit entry. A refusal (not an image, too large, damaged) returns its message and stores
 * nothing.
 */
export async function setFirmLogo(
  db: Db,
  store: BlobStore,
  current: Pick<Firm, 'id'>,
  bytes: Uint8Array,
  actor: SettingActor
): Promise<LogoUpload> {
  const facts = readLogoFacts(bytes);
  if (!facts.ok) return facts;
  const sizes = LOGO_HEIGHTS.map((h) => logoSize(facts, h));
  let drawn;
  try {
    drawn = await drawLogoSizes(bytes, sizes);
  } catch (error) {
    if (!(error instanceof LogoDecodeError)) throw error;
    return { ok: false, message: DAMAGED };
  }
  // The decoder read another size than the header said: not a file to trust.
  if (drawn.width !== facts.width || drawn.height !== facts.height) {
    return { ok: false, message: DAMAGED };
  }
  const column = newLogoColumn(facts.width, facts.height);
  const logo = parseLogoColumn(column)!;
  const keys = LOGO_HEIGHTS.map((h) => logoBlobKey(logo, h));
  let previous: string | null;
  try {
    for (const [i, key] of keys.entries()) await store.put(key, drawn.pngs[i]);
    previous = await db.transaction(async (tx) => {
      const was = await lockLogo(tx, current.id);
      await updateFirmSetting(tx, { id: current.id, logo: was }, 'logo', column, actor);
      return was;
    });
  } catch (error) {
    await deleteLogoBlobs(store, column);
    throw error;
  }
  await deleteLogoBlobs(store, previous);
  return { ok: true, logo: column };
}

/** Removes the firm's logo (audited); false when it had none. */
export async function removeFirmLogo(
  db: Db,
  store: BlobStore,
  current: Pick<Firm, 'id'>,
  actor: SettingActor
): Promise<boolean> {
  const previous = await db.transaction(async (tx) => {
    const was = await lockLogo(tx, current.id);
    await updateFirmSetting(tx, { id: current.id, logo: was }, 'logo', null, actor);
    return was;
  });
  await deleteLogoBlobs(store, previous);
  return previous !== null;
}

/** The logo as it is now, with the firm row locked: two uploads at once each replace whole. */
async function lockLogo(db: Db, firmId: string): Promise<string | null> {
  const [row] = await db
    .select({ logo: firm.logo })
    .from(firm)
    .where(eq(firm.id, firmId))
    .for('update');
  return row?.logo ?? null;
}

/** Deletes a logo's sizes; a blob already gone is not an error. */
async function deleteLogoBlobs(store: BlobStore, column: string | null): Promise<void> {
  const logo = parseLogoColumn(column);
  if (!logo) return;
  await Promise.all(
    LOGO_HEIGHTS.map((h) =>
      store.delete(logoBlobKey(logo, h)).catch((error: unknown) => {
        console.warn(`[logo] could not delete ${logoBlobKey(logo, h)}:`, (error as Error).message);
      })
    )
  );
}

/** The PNG of one size of the firm's logo with its pixel size, or null (none, or its blob gone). */
export async function readLogoPng(
  store: BlobStore,
  column: string | null | undefined,
  height: LogoHeight
): Promise<{ png: Uint8Array; width: number; height: number } | null> {
  const logo = parseLogoColumn(column);
  if (!logo) return null;
  const key = logoBlobKey(logo, height);
  if (!(await store.exists(key))) return null;
  return { png: await readBlob(store, key), ...logoSize(logo, height) };
}
