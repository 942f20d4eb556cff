import type { Db } from '../db/client';
import { sendDueReminders } from './reminders';

export const REMINDER_CHECK_MS = 5 * 60_000;

/**
 * Checks for due automatic reminders every few minutes (and once at start). Safe on every
 * instance at once: sendDueReminders claims each reminder in one statement.
 */
export function startReminderSchedule(
  db: Db,
  log: (message: string) => void,
  everyMs = REMINDER_CHECK_MS
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = sendDueReminders(db)
      .then((sent) => sent && log(`Reminders: sent ${sent}`))
      .catch((error) => log(`Reminders failed: ${error instanceof Error ? error.message : error}`));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  const first = setTimeout(tick, 5_000);
  first.unref();
  return async () => {
    // Stopped within the first seconds: the first check must not run on a closed database.
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
