// A small promise wrapper over IndexedDB: one database per user (names.ts), two stores.
import { dbName } from './names';

export interface SavedDocument {
  id: string;
  filename: string;
  pages: number | null;
  bytes: number;
}

export interface SavedPacket {
  id: string;
  title: string;
  firmName: string;
  period: string | null;
  documents: SavedDocument[];
  /** Every URL kept in the user's cache for this packet (pages, their data, PDFs). */
  urls: string[];
  /** Bytes stored for this packet. */
  bytes: number;
  savedAt: number;
}

export interface QueuedAction {
  /** Sent with the action; the server records one decision or question per id. */
  requestId: string;
  packetId: string;
  packetTitle: string;
  kind: 'approve' | 'ask';
  /** The page the form was on (`/p/<id>` or its viewer), posted to as `<path>?/<kind>`. */
  path: string;
  fields: Array<[string, string]>;
  createdAt: number;
}

const open = new Map<string, Promise<IDBDatabase>>();

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function openDb(key: string): Promise<IDBDatabase> {
  const name = dbName(key);
  let db = open.get(name);
  if (!db) {
    db = new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => {
        r.result.createObjectStore('packets', { keyPath: 'id' });
        r.result.createObjectStore('queue', { keyPath: 'requestId' });
      };
      r.onsuccess = () => {
        const handle = r.result;
        // Another tab deleting the database (sign-out) must not wait for this one.
        handle.onversionchange = () => {
          handle.close();
          open.delete(name);
        };
        resolve(handle);
      };
      r.onerror = () => reject(r.error);
    });
    open.set(name, db);
    db.catch(() => open.delete(name));
  }
  return db;
}

/** Closes this page's connection so the database can be deleted. */
export async function closeDb(key: string): Promise<void> {
  const name = dbName(key);
  const db = open.get(name);
  open.delete(name);
  if (db) (await db.catch(() => null))?.close();
}

export async function closeAll(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  for (const db of all) (await db.catch(() => null))?.close();
}

type Store = 'packets' | 'queue';

export async function getAll<T>(key: string, store: Store): Promise<T[]> {
  const db = await openDb(key);
  return request(db.transaction(store).objectStore(store).getAll() as IDBRequest<T[]>);
}

export async function put<T>(key: string, store: Store, value: T): Promise<void> {
  const db = await openDb(key);
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).put(value);
  await done(tx);
}

export async function remove(key: string, store: Store, id: string): Promise<void> {
  const db = await openDb(key);
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).delete(id);
  await done(tx);
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function deleteDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => resolve();
    // Another tab still holds it open; it closes on versionchange and the delete goes through.
    r.onblocked = () => setTimeout(resolve, 1000);
  });
}
