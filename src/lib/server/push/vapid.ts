// The VAPID key pair that signs this server's pushes. Set in the environment, or made at first
// start and kept in instance_secret, so every instance on one database signs with the same pair
// (a browser's subscription is bound to the public key it was made with).
import { inArray } from 'drizzle-orm';
import webpush from 'web-push';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { instanceSecret } from '../db/schema';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: URL the push services may contact. */
  subject: string;
}

const PUBLIC = 'vapid_public_key';
const PRIVATE = 'vapid_private_key';

type VapidConfig = Pick<Config, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'vapidSubject'>;

/**
 * The key pair from the environment, else from the database, made there on first use. Two
 * instances starting at once both try to insert; the first insert wins, and both read it back.
 */
export async function loadVapidKeys(db: Db, config: VapidConfig): Promise<VapidKeys> {
  const subject = config.vapidSubject;
  if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY) {
    return { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject };
  }
  let stored = await readStoredKeys(db);
  if (!stored) {
    const made = webpush.generateVAPIDKeys();
    // One statement, so no instance ever sees half a pair.
    await db
      .insert(instanceSecret)
      .values([
        { name: PUBLIC, value: made.publicKey },
        { name: PRIVATE, value: made.privateKey }
      ])
      .onConflictDoNothing();
    stored = await readStoredKeys(db);
    if (!stored) throw new Error('The VAPID key pair could not be stored.');
  }
  return { ...stored, subject };
}

async function readStoredKeys(db: Db) {
  const rows = await db
    .select({ name: instanceSecret.name, value: instanceSecret.value })
    .from(instanceSecret)
    .where(inArray(instanceSecret.name, [PUBLIC, PRIVATE]));
  const publicKey = rows.find((r) => r.name === PUBLIC)?.value;
  const privateKey = rows.find((r) => r.name === PRIVATE)?.value;
  return publicKey && privateKey ? { publicKey, privateKey } : null;
}

const KEY = Symbol.for('sheaf.push.vapid');
const g = globalThis as { [KEY]?: Promise<VapidKeys> };

/** loadVapidKeys once per process (a failed load is tried again next time). */
export function vapidKeys(db: Db, config: VapidConfig): Promise<VapidKeys> {
  g[KEY] ??= loadVapidKeys(db, config).catch((error) => {
    g[KEY] = undefined;
    throw error;
  });
  return g[KEY];
}
