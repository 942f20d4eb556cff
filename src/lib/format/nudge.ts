import { formatAge } from './dates';

/** A contact is nudged at most once in this long unless staff confirm another. */
export const NUDGE_COOLDOWN_MS = 24 * 60 * 60 * 1000;

/** True while the last reminder (a nudge or an automatic one) is under 24 hours old. */
export function inNudgeCooldown(
  lastRemindedAt: Date | string | null | undefined,
  now: Date = new Date()
): boolean {
  if (!lastRemindedAt) return false;
  return now.getTime() - new Date(lastRemindedAt).getTime() < NUDGE_COOLDOWN_MS;
}

/** "Last reminded 3 hours ago", "Last reminded just now". */
export function lastRemindedText(lastRemindedAt: Date | string, now: Date = new Date()): string {
  const age = formatAge(lastRemindedAt, now);
  return `Last reminded ${age === 'just now' ? age : `${age} ago`}`;
}
