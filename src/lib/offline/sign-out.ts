// Signing out of this device removes every packet saved on it (and the queue). The sign-out
// forms (SignOutForm) ask here first: with packets saved, the person is warned before they go.
import { listSaved } from './saved';
import { purgeAll } from './user';
import { forgetPushHere } from '../push/subscribe';
import { m } from '../paraglide/messages.js';

export interface SignOutDeps {
  countSaved: () => Promise<number>;
  purge: () => Promise<void>;
}

const browserDeps: SignOutDeps = {
  countSaved: async () => (await listSaved()).length,
  // The server drops this device's push subscription with its session; the browser forgets it.
  purge: () => Promise.all([purgeAll(), forgetPushHere()]).then(() => {})
};

/** "You have 2 packets saved on this phone. Signing out removes them." */
export function signOutWarning(count: number, device: 'phone' | 'device'): string {
  return device === 'phone'
    ? m.sign_out_warning_phone({ count })
    : m.sign_out_warning_device({ count });
}

/** What the person holds in their hand: a phone (a small touch screen) or another device. */
export function deviceWord(): 'phone' | 'device' {
  const touch = matchMedia('(pointer: coarse)').matches;
  return touch && Math.min(screen.width, screen.height) < 600 ? 'phone' : 'device';
}

/**
 * One sign-out form's guard. `before()` runs as the form is submitted: a count of saved packets
 * means "warn, and do not go yet"; null means the device was purged and the form may go. After
 * `confirm()`, the next `before()` purges without asking.
 */
export function signOutGuard(deps: SignOutDeps = browserDeps) {
  let confirmed = false;
  return {
    async before(): Promise<number | null> {
      if (!confirmed) {
        const count = await deps.countSaved().catch(() => 0);
        if (count > 0) return count;
      }
      confirmed = false;
      await deps.purge().catch(() => {});
      return null;
    },
    confirm(): void {
      confirmed = true;
    }
  };
}
