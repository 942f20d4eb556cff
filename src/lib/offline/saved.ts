// Packets saved for offline reading: its page and data, each document's viewer page and data,
// the full PDFs and page 1's pictures in the user's cache, what was saved in the user's
// database. Listing, removing and refreshing them here; saving them in save.ts (loaded on tap).
import { PREVIEW_WIDTHS } from '$lib/components/viewer/page-fit';
import { getAll, remove, type SavedDocument, type SavedPacket } from './idb';
import { savedCacheName } from './names';
import { checkSession, visibleKey } from './user';
import { within } from './within';
import { m } from '../paraglide/messages.js';

export interface PacketToSave {
  id: string;
  title: string;
  firmName: string;
  period: string | null;
  documents: SavedDocument[];
}

export interface SaveProgress {
  done: number;
  total: number;
}

/** The list pages, kept while the user has at least one saved packet. */
export const LIST_URLS = ['/p', '/p/__data.json'];

export function packetUrls(packet: Pick<PacketToSave, 'id' | 'documents'>) {
  const base = `/p/${packet.id}`;
  const pages = [base, `${base}/__data.json`];
  for (const d of packet.documents)
    pages.push(`${base}/d/${d.id}`, `${base}/d/${d.id}/__data.json`);
  // Page 1's pictures at every width (the browser picks one by the screen): the viewer shows
  // one before pdf.js has drawn the page, offline too.
  const pictures = packet.documents.flatMap((d) =>
    PREVIEW_WIDTHS.map((w) => `/api/files/${d.id}/page-1/${w}`)
  );
  return { pages, files: packet.documents.map((d) => `/api/files/${d.id}`), pictures };
}

/**
 * A save that failed for a reason worth telling the reader, in the page's language: the packet
 * is gone, the session ended, the server refused. The connection failing is not one of these.
 */
export class SaveError extends Error {
  constructor(
    message: string,
    /** The server's answer, when it was one (for the console, never shown). */
    readonly status: number | null = null
  ) {
    super(message);
    this.name = 'SaveError';
  }
}

/** What a save's page or file request answered, when it was not the thing itself. */
export function refusedSave(response: Pick<Response, 'status' | 'redirected'>): SaveError {
  const { status } = response;
  // Sent to the sign-in page, or refused as signed out: the session ended.
  if (response.redirected || status === 401) return new SaveError(m.save_sign_in_again(), status);
  if (status === 404 || status === 410) return new SaveError(m.packet_gone(), status);
  return new SaveError(m.save_failed(), status);
}

export async function fetchOk(url: string, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-store',
    signal,
    // Saving is not reading: the viewer does not count these fetches as document views.
    headers: { 'x-sheaf-save': '1' }
  });
  if (!response.ok || response.redirected) throw refusedSave(response);
  return response;
}

/** What the reader is told when a save failed. */
export function saveFailureMessage(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return m.save_no_space();
  }
  if (error instanceof SaveError) return error.message;
  // The connection dropped (fetch's TypeError), or anything else the browser threw.
  return m.save_dropped();
}

/** Reads a response to the end, reporting bytes as they arrive. */
export async function readAll(response: Response, onbytes: (n: number) => void): Promise<Blob> {
  if (!response.body) {
    const blob = await response.blob();
    onbytes(blob.size);
    return blob;
  }
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value as Uint8Array<ArrayBuffer>);
    onbytes(value.byteLength);
  }
  return new Blob(parts);
}

/** A copy fit for Cache Storage: same status and headers, body already read. */
export function stored(response: Response, body: Blob): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.set('content-length', String(body.size));
  headers.set('x-sheaf-saved-at', new Date().toISOString());
  return new Response(body, { status: 200, headers });
}

const REFRESH_TIMEOUT_MS = 20_000;
// Refreshes run one after another, so the copy fetched last (the newest) is the one kept.
let refreshing: Promise<unknown> = Promise.resolve();

/** Re-fetches a saved packet's page and data (after an approval or question went out). */
export function refreshSavedPages(packetId: string): Promise<void> {
  const next = refreshing.then(() => refreshNow(packetId));
  refreshing = next.catch(() => {});
  return next;
}

async function refreshNow(packetId: string): Promise<void> {
  // Whoever is signed in now, asked of the server (as when saving): never another person's
  // pages into this person's copy.
  const session = await checkSession();
  if (session.state !== 'signed-in') return;
  const { key } = session;
  const saved = (await getAll<SavedPacket>(key, 'packets')).find((p) => p.id === packetId);
  if (!saved) return;
  const cache = await caches.open(savedCacheName(key));
  for (const url of [`/p/${packetId}`, `/p/${packetId}/__data.json`, ...LIST_URLS]) {
    // A page that does not come within 20 s (a connection carrying nothing) keeps the older copy
    // rather than hold up every refresh after it.
    try {
      await within(REFRESH_TIMEOUT_MS, async (signal) => {
        const response = await fetchOk(url, signal);
        await cache.put(url, stored(response, await response.blob()));
      });
    } catch {
      // Keep the older copy.
    }
  }
}

export async function listSaved(): Promise<SavedPacket[]> {
  const key = await visibleKey();
  if (!key) return [];
  const all = await getAll<SavedPacket>(key, 'packets');
  return all.sort((a, b) => b.savedAt - a.savedAt);
}

export async function removeSaved(packetId: string): Promise<void> {
  const key = await visibleKey();
  if (!key) return;
  const all = await getAll<SavedPacket>(key, 'packets');
  const saved = all.find((p) => p.id === packetId);
  const cache = await caches.open(savedCacheName(key));
  if (saved) await Promise.all(saved.urls.map((url) => cache.delete(url)));
  await remove(key, 'packets', packetId);
  if (all.length <= 1) await Promise.all(LIST_URLS.map((url) => cache.delete(url)));
}

/** Bytes this origin uses on the device, as the browser reports it. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  return estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
}
