// What the decline sheet does with its form: it needs a connection (a decline is not queued
// offline: the reason would be lost with a refused replay, and staff should hear of it now), and
// after the server answers it closes, keeps the sheet open with the server's message, or reloads
// the page because the packet was updated since. Pure, so it is unit-tested.

import { m } from '$lib/paraglide/messages';

/** Said when "Something is wrong" is sent with no connection: nothing is queued. */
export const declineOffline = () => m.decline_offline();

export const declineSent = () => m.decline_sent();

/** An action result as use:enhance hands it over, loosely typed. */
export interface ActionResultLike {
  type: string;
  data?: Record<string, unknown> | null;
}

export interface DeclineOutcome {
  /** Close the sheet (sent, or the page must reload to show the new version). */
  close: boolean;
  /** A toast for the reader, or null. */
  toast: string | null;
  /** The message to show inside the sheet, or null. */
  error: string | null;
  /** Reload the page's data: the packet was updated since (409). */
  reload: boolean;
}

/** What the sheet does once the server answered a decline. */
export function declineOutcome(result: ActionResultLike): DeclineOutcome {
  if (result.type === 'success') {
    return { close: true, toast: declineSent(), error: null, reload: false };
  }
  if (result.type === 'failure') {
    const message =
      typeof result.data?.message === 'string' ? result.data.message : m.try_again_failed();
    if (result.data?.stale === true) return { close: true, toast: null, error: null, reload: true };
    return { close: false, toast: null, error: message, reload: false };
  }
  // A redirect (signed out) or an error page: SvelteKit's update() takes it from here.
  return { close: true, toast: null, error: null, reload: false };
}
