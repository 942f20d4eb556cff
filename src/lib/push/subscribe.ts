// This device's notifications: turning them on (permission asked only here, on a tap), off,
// and what sign-out does. The server keeps the subscription with this session.
import { keyBytes } from './offer';
import { m } from '../paraglide/messages.js';

const API = '/api/push/subscription';

export interface PushDeps {
  permission(): NotificationPermission | 'unsupported';
  requestPermission(): Promise<NotificationPermission>;
  /**
   * The service worker's PushManager; null without one. `wait`: until the worker is ready (a
   * first visit registers it just now); otherwise only a worker already registered.
   */
  pushManager(wait?: boolean): Promise<PushManager | null>;
  fetch: typeof fetch;
}

const browserDeps: PushDeps = {
  permission: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
  requestPermission: () => Notification.requestPermission(),
  async pushManager(wait = false) {
    if (!('serviceWorker' in navigator) || typeof PushManager === 'undefined') return null;
    const registration = wait
      ? await Promise.race([
          navigator.serviceWorker.ready,
          new Promise<undefined>((resolve) => setTimeout(resolve, 10_000))
        ])
      : await navigator.serviceWorker.getRegistration();
    return registration?.pushManager ?? null;
  },
  fetch: (input, init) => fetch(input, init)
};

export type TurnOnResult =
  { ok: true } | { ok: false; reason: 'denied' | 'unsupported' | 'failed'; message: string };

/** Whether this device has a subscription the server knows (for this session). */
export async function pushIsOn(deps: PushDeps = browserDeps): Promise<boolean> {
  const manager = await deps.pushManager().catch(() => null);
  const local = await manager?.getSubscription().catch(() => null);
  if (!local) return false;
  const response = await deps.fetch(API, { headers: { accept: 'application/json' } });
  if (!response.ok) return false;
  return Boolean(((await response.json()) as { subscribed?: boolean }).subscribed);
}

/** Asks for permission, subscribes with the server's key and saves it with this session. */
export async function turnOnPush(deps: PushDeps = browserDeps): Promise<TurnOnResult> {
  const manager = await deps.pushManager(true).catch(() => null);
  if (!manager || deps.permission() === 'unsupported') {
    return { ok: false, reason: 'unsupported', message: m.push_unsupported() };
  }
  if ((await deps.requestPermission()) !== 'granted') {
    return {
      ok: false,
      reason: 'denied',
      message: m.push_blocked()
    };
  }
  try {
    const keyResponse = await deps.fetch(API, { headers: { accept: 'application/json' } });
    if (!keyResponse.ok) throw new Error(`key: ${keyResponse.status}`);
    const { publicKey } = (await keyResponse.json()) as { publicKey: string };
    const applicationServerKey = keyBytes(publicKey);
    let subscription = await manager.getSubscription();
    // Made with another key (the server's key changed): it would never receive a push.
    if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey });
    const saved = await deps.fetch(API, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(subscription.toJSON())
    });
    if (!saved.ok) {
      await subscription.unsubscribe().catch(() => false);
      throw new Error(`save: ${saved.status}`);
    }
    return { ok: true };
  } catch {
    return {
      ok: false,
      reason: 'failed',
      message: m.push_turn_on_failed()
    };
  }
}

/** Turns this device's notifications off, here and on the server. */
export async function turnOffPush(deps: PushDeps = browserDeps): Promise<boolean> {
  const manager = await deps.pushManager().catch(() => null);
  const subscription = await manager?.getSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
  const response = await deps.fetch(API, { method: 'DELETE' }).catch(() => null);
  return Boolean(response?.ok);
}

/**
 * Signing out of this device: its subscription goes with the session on the server; here the
 * browser forgets it too, so the push service stops holding messages for it.
 */
export async function forgetPushHere(deps: PushDeps = browserDeps): Promise<void> {
  const manager = await deps.pushManager().catch(() => null);
  const subscription = await manager?.getSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

function sameKey(current: ArrayBuffer | null, wanted: Uint8Array): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  return a.length === wanted.length && a.every((byte, i) => byte === wanted[i]);
}
