import { page } from '$app/state';
import { DEFAULT_TIME_ZONE } from '$lib/format/time-zone';

/** The signed-in firm's time zone (the staff layout loads it), for staff dates and times. */
export function firmTimeZone(): string {
  const firm = page.data.firm as { timeZone?: string } | undefined;
  return firm?.timeZone ?? DEFAULT_TIME_ZONE;
}
