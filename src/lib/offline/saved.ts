// Saving a packet for offline reading: its page and data, each document's viewer page and data,
// the full PDFs and page 1's pictures go into the user's cache; what was saved goes into the user's database.
import { PREVIEW_WIDTHS } from '$lib/components/viewer/page-fit';
import { PDFJS_ASSETS, chooseBuild } from '$lib/components/viewer/pdf-loader';
import { getAll, put, remove, type SavedDocument, type SavedPacket } from './idb';
import { VIEWER_ASSETS_CACHE, savedCacheName } from './names';
import { checkSession, visibleKey } from './user';
import { within } from './within';

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
const LIST_URLS = ['/p', '/p/__data.json'];

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

async function fetchOk(url: string, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-store',
    signal,
    // Saving is not reading: the viewer does not count these fetches as document views.
    headers: { 'x-sheaf-save': '1' }
  });
  if (!response.ok || response.redirected) {
    throw new Error(
      response.status === 404 ? 'This packet is no longer available.' : `HTTP ${response.status}`
    );
  }
  return response;
}

/** Reads a response to the end, reporting bytes as they arrive. */
async function readAll(response: Response, onbytes: (n: number) => void): Promise<Blob> {
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
function stored(response: Response, body: Blob): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.set('content-length', String(body.size));
  headers.set('x-sheaf-saved-at', new Date().toISOString());
  return new Response(body, { status: 200, headers });
}

/** No byte and no finished request for this long: the save gives up (as an upload does). */
export const SAVE_STALL_MS = 60_000;
export const SAVE_STALLED_MESSAGE = 'Saving stopped: the connection stalled. Try again.';

/**
 * Saves a packet for the signed-in user. Needs a connection; reports progress in bytes.
 * Re-saving refreshes every copy. A save that fails (the connection dropped, went quiet for
 * SAVE_STALL_MS, or the device ran out of space) takes out what it had put in, and leaves an
 * earlier copy's pages as they were: the device keeps only whole packets.
 */
export async function savePacket(
  packet: PacketToSave,
  onprogress: (p: SaveProgress) => void = () => {}
): Promise<SavedPacket> {
  const session = await checkSession();
  if (session.state !== 'signed-in') throw new Error('Sign in again to save packets.');
  const key = session.key;
  void navigator.storage?.persist?.().catch(() => false);

  const { pages, files, pictures } = packetUrls(packet);
  const pageGuess = 40_000;
  const pictureGuess = 30_000;
  const total =
    (pages.length + LIST_URLS.length) * pageGuess +
    pictures.length * pictureGuess +
    packet.documents.reduce((sum, d) => sum + d.bytes, 0);
  let done = 0;
  // A connection can go quiet without failing (a train, a weak Wi-Fi): every byte and every
  // finished request puts the watchdog back; if it runs out, the save's requests are aborted.
  const stall = new AbortController();
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      // A tab in the background may be frozen and its timers late: that is not a stalled line.
      if (document.visibilityState === 'hidden') alive();
      else stall.abort();
    }, SAVE_STALL_MS);
  };
  const tick = (n: number) => {
    alive();
    done += n;
    onprogress({ done: Math.min(done, total), total });
  };
  onprogress({ done: 0, total });
  alive();

  const cache = await caches.open(savedCacheName(key)).catch((error) => {
    clearTimeout(watchdog);
    throw error;
  });
  const added: string[] = [];
  const keep = async (url: string, response: Response, body: Blob) => {
    await cache.put(url, stored(response, body));
    added.push(url);
  };
  let earlier: SavedPacket | undefined;
  // An earlier copy's pages (and the list pages) as they were, put back if this save fails.
  const overwritten: Array<[string, Response]> = [];
  let record: SavedPacket;
  try {
    earlier = (await getAll<SavedPacket>(key, 'packets')).find((p) => p.id === packet.id);
    let bytes = 0;
    // PDFs first (the bulk), then pictures: each under its document's own id, the same bytes
    // an earlier copy of the packet holds.
    for (const url of files) {
      const response = await fetchOk(url, stall.signal);
      const body = await readAll(response, tick);
      await keep(url, response, body);
      bytes += body.size;
    }
    // A picture the server could not draw is left out: the viewer then waits for pdf.js.
    const keptPictures: string[] = [];
    for (const url of pictures) {
      const response = await fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        signal: stall.signal
      }).catch(() => null);
      const body = response?.ok ? await readAll(response, alive).catch(() => null) : null;
      if (response && body) {
        await keep(url, response, body);
        keptPictures.push(url);
        bytes += body.size;
      }
      tick(pictureGuess);
    }
    // The pages last, and kept only once every one has come: until then an earlier copy's pages
    // (which name its documents) stay as they were.
    const fetched: Array<[string, Response, Blob]> = [];
    for (const url of [...pages, ...LIST_URLS]) {
      const response = await fetchOk(url, stall.signal);
      const body = await readAll(response, alive);
      fetched.push([url, response, body]);
      tick(pageGuess);
      if (!LIST_URLS.includes(url)) bytes += body.size;
    }
    await saveViewerAssets(stall.signal, alive);
    for (const [url] of fetched) {
      const before = await cache.match(url);
      if (before) overwritten.push([url, before]);
    }
    for (const [url, response, body] of fetched) await keep(url, response, body);

    record = {
      id: packet.id,
      title: packet.title,
      firmName: packet.firmName,
      period: packet.period,
      documents: packet.documents,
      urls: [...files, ...keptPictures, ...pages],
      bytes,
      savedAt: Date.now()
    };
    await put(key, 'packets', record);
  } catch (error) {
    // What this attempt added goes and what it overwrote comes back; what an earlier copy (or
    // another saved packet: the list pages) holds stays.
    const saved = await getAll<SavedPacket>(key, 'packets').catch(() => []);
    const before = new Set([...(earlier?.urls ?? []), ...(saved.length ? LIST_URLS : [])]);
    await Promise.all(
      added.filter((url) => !before.has(url)).map((url) => cache.delete(url).catch(() => false))
    );
    for (const [url, response] of overwritten) await cache.put(url, response).catch(() => {});
    const stalled = stall.signal.aborted && (error as Error | null)?.name === 'AbortError';
    throw stalled ? new Error(SAVE_STALLED_MESSAGE) : error;
  } finally {
    clearTimeout(watchdog);
  }
  // Saved. Re-saving: what the earlier copy kept and this one does not (a document since
  // removed, a picture no longer drawn) goes, so removing the packet later leaves nothing behind.
  const kept = new Set(record.urls);
  await Promise.all(
    (earlier?.urls ?? [])
      .filter((url) => !kept.has(url))
      .map((url) => cache.delete(url).catch(() => false))
  );
  onprogress({ done: total, total });
  return record;
}

/**
 * pdf.js for this browser, so a saved PDF renders with no connection. Best effort: left out if
 * it does not come (the viewer's own visit keeps it too), so it never fails a save.
 */
async function saveViewerAssets(signal: AbortSignal, onbytes: () => void): Promise<void> {
  const build = chooseBuild();
  if (build === 'unsupported') return;
  const cache = await caches.open(VIEWER_ASSETS_CACHE);
  const { lib, worker } = PDFJS_ASSETS[build];
  await Promise.all(
    [lib, worker].map(async (url) => {
      if (await cache.match(url)) return;
      const response = await fetch(url, { signal }).catch(() => null);
      const body = response?.ok ? await readAll(response, onbytes).catch(() => null) : null;
      if (response && body) {
        await cache.put(url, new Response(body, { headers: response.headers })).catch(() => {});
      }
    })
  );
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

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
