// Whether to offer notifications on this device, and how. Never on a first visit: only once the
// person has saved a packet here or runs the installed app, and never again once they said no.

export interface OfferInput {
  /** The browser has PushManager (an iPhone has it only in a home-screen app, iOS 16.4+). */
  pushManager: boolean;
  permission: NotificationPermission | 'unsupported';
  /** This device already has a subscription. */
  subscribed: boolean;
  savedPackets: number;
  /** Running as the installed app (display-mode: standalone). */
  standalone: boolean;
  /** Safari on iPhone or iPad, in a browser tab. */
  iosTab: boolean;
  /** The person tapped "Not now" on this device. */
  dismissed: boolean;
}

/** 'offer': the "Tell me" card; 'home-screen': the iPhone note; 'none': nothing. */
export type Offer = 'offer' | 'home-screen' | 'none';

export function pushOffer(input: OfferInput): Offer {
  if (input.dismissed || input.subscribed) return 'none';
  if (input.savedPackets === 0 && !input.standalone) return 'none';
  if (input.iosTab && !input.pushManager) return 'home-screen';
  if (!input.pushManager || input.permission === 'denied') return 'none';
  if (input.permission === 'unsupported') return 'none';
  return 'offer';
}

/** This page runs as the installed app (display-mode: standalone; iOS's navigator.standalone). */
export function isStandalone(): boolean {
  return (
    matchMedia('(display-mode: standalone)').matches ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true
  );
}

/** Safari on iPhone or iPad (an iPad says Macintosh, with touch). */
export function isIosDevice(userAgent: string, maxTouchPoints: number): boolean {
  return /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
}

/** A base64url VAPID key as the bytes PushManager.subscribe wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
