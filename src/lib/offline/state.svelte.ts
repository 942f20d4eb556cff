// What the offline components show: connection, saved packets, queued actions, app updates.
import type { QueuedAction, SavedPacket } from './idb';
import { listQueued } from './queue';
import { listSaved } from './saved';
import { offlineSupported } from './user';

interface InstallEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const offline = $state({
  online: true,
  /** Saved packets and queue have been read from this device. */
  ready: false,
  saved: [] as SavedPacket[],
  pending: [] as QueuedAction[],
  /** A new version of the app is installed and waiting. */
  updateReady: false,
  /** The browser offered to install the app (Chromium's beforeinstallprompt). */
  canInstall: false
});

let installEvent: InstallEvent | null = null;
let applyUpdate: (() => Promise<void>) | null = null;

export async function refreshOffline(): Promise<void> {
  if (!offlineSupported()) return;
  const [saved, pending] = await Promise.all([
    listSaved().catch(() => []),
    listQueued().catch(() => [])
  ]);
  offline.saved = saved;
  offline.pending = pending;
  offline.ready = true;
}

export function isSaved(packetId: string): boolean {
  return offline.saved.some((p) => p.id === packetId);
}

/** This device holds the document for reading offline (in its packet's saved copy). */
export function isDocumentSaved(packetId: string, documentId: string): boolean {
  const saved = offline.saved.find((p) => p.id === packetId);
  return !!saved?.documents.some((d) => d.id === documentId);
}

export function keepInstallEvent(event: Event): void {
  event.preventDefault();
  installEvent = event as InstallEvent;
  offline.canInstall = true;
}

export async function install(): Promise<boolean> {
  if (!installEvent) return false;
  const event = installEvent;
  installEvent = null;
  offline.canInstall = false;
  await event.prompt();
  return (await event.userChoice).outcome === 'accepted';
}

export function setUpdater(fn: () => Promise<void>): void {
  applyUpdate = fn;
}

export async function reloadToUpdate(): Promise<void> {
  if (applyUpdate) await applyUpdate();
  else location.reload();
}
