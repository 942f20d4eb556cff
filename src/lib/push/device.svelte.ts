// This device's notifications as the offer card and /account show them: what the browser can do,
// whether it is on, and the turn on/off taps. One state for both, read once per page load.
import { isIosDevice, isStandalone, type OfferInput } from './offer';
import { pushIsOn, turnOffPush, turnOnPush } from './subscribe';

const DISMISSED = 'sheaf-push-dismissed';

export const pushDevice = $state({
  /** The browser has been asked what it can do (after mount). */
  checked: false,
  on: false,
  busy: false,
  /** What the last tap came to, said to the person (null: nothing to say). */
  message: null as string | null,
  env: {
    pushManager: false,
    permission: 'unsupported',
    standalone: false,
    iosTab: false,
    dismissed: false
  } as Omit<OfferInput, 'subscribed' | 'savedPackets'>
});

/** Reads what this browser can do and whether this device's notifications are on. */
export async function checkPushDevice(): Promise<void> {
  const standalone = isStandalone();
  let dismissed = false;
  try {
    dismissed = localStorage.getItem(DISMISSED) === '1';
  } catch {
    // Private mode: the offer may show again.
  }
  pushDevice.env = {
    pushManager: 'serviceWorker' in navigator && typeof PushManager !== 'undefined',
    permission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
    standalone,
    iosTab: !standalone && isIosDevice(navigator.userAgent, navigator.maxTouchPoints),
    dismissed
  };
  pushDevice.on = pushDevice.env.pushManager ? await pushIsOn().catch(() => false) : false;
  pushDevice.checked = true;
}

/** The tap on "Turn on" / "Turn off". Returns true when the change was made. */
export async function switchPush(on: boolean): Promise<boolean> {
  if (pushDevice.busy) return false;
  pushDevice.busy = true;
  pushDevice.message = null;
  try {
    if (on) {
      const result = await turnOnPush();
      // On a refusal the card stays, saying why, until the page is left.
      if (!result.ok) {
        pushDevice.message = result.message;
        return false;
      }
      pushDevice.env.permission = 'granted';
      pushDevice.on = true;
      return true;
    }
    await turnOffPush();
    pushDevice.on = false;
    return true;
  } finally {
    pushDevice.busy = false;
  }
}

/** "Not now": the offer does not come back on this device. */
export function dismissPushOffer(): void {
  pushDevice.env.dismissed = true;
  try {
    localStorage.setItem(DISMISSED, '1');
  } catch {
    // Private mode: it shows again next time.
  }
}
