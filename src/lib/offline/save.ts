// Saving a packet for offline reading (savePacket): loaded when the reader taps "Save for
// offline", so none of it is in the packet page's first download. What it reads and lists
// afterwards is in saved.ts.
import { PDFJS_ASSETS, chooseBuild } from '$lib/components/viewer/pdf-loader';
import { getAll, put, type SavedPacket } from './idb';
import { VIEWER_ASSETS_CACHE, savedCacheName } from './names';
import {
  LIST_URLS,
  SaveError,
  fetchOk,
  packetUrls,
  readAll,
  stored,
  type PacketToSave,
  type SaveProgress
} from './saved';
import { SaveMeasure, saveParts } from './save-measure';
import { checkSession } from './user';
import { m } from '../paraglide/messages.js';

// While a save is under way, leaving the page would cut it short: the browser asks first.
// (Registered when this module is loaded, on the first tap of "Save for offline". Being code that
// runs on load, it also keeps Rollup from merging this module into a chunk every page loads.)
let saving = 0;
addEventListener('beforeunload', (event) => {
  if (saving > 0) event.preventDefault();
});

/** No byte and no finished request for this long: the save gives up (as an upload does). */
export const SAVE_STALL_MS = 60_000;

/**
 * Saves a packet for the signed-in user. Needs a connection; reports progress in the bytes it
 * stores for the packet (save-measure.ts), the same figure it records as the saved size.
 * Re-saving refreshes every copy. A save that fails (the connection dropped, went quiet for
 * SAVE_STALL_MS, or the device ran out of space) takes out what it had put in, and leaves an
 * earlier copy's pages as they were: the device keeps only whole packets. What it throws,
 * saveFailureMessage (saved.ts) words for the reader.
 */
export async function savePacket(
  packet: PacketToSave,
  onprogress: (p: SaveProgress) => void = () => {}
): Promise<SavedPacket> {
  const session = await checkSession();
  if (session.state !== 'signed-in') throw new SaveError(m.save_sign_in_again());
  const key = session.key;
  void navigator.storage?.persist?.().catch(() => false);

  const { pages, files, pictures } = packetUrls(packet);
  const measure = new SaveMeasure(saveParts(packet));
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
  // Bytes of a counted part (save-measure.ts) as they come.
  const counting = (url: string) => (n: number) => {
    alive();
    measure.add(url, n);
    onprogress(measure.progress);
  };
  const counted = (url: string, size: number) => {
    measure.finish(url, size);
    onprogress(measure.progress);
  };
  onprogress(measure.progress);
  alive();
  saving++;

  const cache = await caches.open(savedCacheName(key)).catch((error) => {
    clearTimeout(watchdog);
    saving--;
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
    // pdf.js for reading it offline, meanwhile: not the packet's, so not counted.
    const viewer = saveViewerAssets(stall.signal, alive);
    viewer.catch(() => {});
    // The small parts first (the packet's pages, then page 1's pictures), so the total is exact
    // before the PDFs, the bulk, come. The pages are kept only once everything has come: until
    // then an earlier copy's pages (which name its documents) stay as they were.
    const fetched: Array<[string, Response, Blob]> = [];
    for (const url of [...pages, ...LIST_URLS]) {
      const response = await fetchOk(url, stall.signal);
      const listPage = LIST_URLS.includes(url);
      const body = await readAll(response, listPage ? alive : counting(url));
      fetched.push([url, response, body]);
      if (!listPage) counted(url, body.size);
    }
    // A picture the server could not draw is left out: the viewer then waits for pdf.js.
    const keptPictures: string[] = [];
    for (const url of pictures) {
      const response = await fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        signal: stall.signal
      }).catch(() => null);
      const body = response?.ok ? await readAll(response, counting(url)).catch(() => null) : null;
      if (response && body) {
        await keep(url, response, body);
        keptPictures.push(url);
      }
      counted(url, body?.size ?? 0);
    }
    // The PDFs, each under its document's own id: the same bytes an earlier copy holds.
    for (const url of files) {
      const response = await fetchOk(url, stall.signal);
      const body = await readAll(response, counting(url));
      await keep(url, response, body);
      counted(url, body.size);
    }
    await viewer;
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
      bytes: measure.progress.total,
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
    throw stalled ? new SaveError(m.save_stalled()) : error;
  } finally {
    clearTimeout(watchdog);
    saving--;
  }
  // Saved. Re-saving: what the earlier copy kept and this one does not (a document since
  // removed, a picture no longer drawn) goes, so removing the packet later leaves nothing behind.
  const kept = new Set(record.urls);
  await Promise.all(
    (earlier?.urls ?? [])
      .filter((url) => !kept.has(url))
      .map((url) => cache.delete(url).catch(() => false))
  );
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
