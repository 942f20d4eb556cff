import type { Db } from '../db/client';
import { deleteExpiredSessions } from '../auth/session';
import { sendDueReminders } from './reminders';
import { sendDueDigests } from '../alerts/digest';

export const REMINDER_CHECK_MS = 5 * 60_000;
export const SESSION_SWEEP_MS = 60 * 60_000;

/**
 * Checks for due automatic reminders and staff alert digests every few minutes (and once at
 * start), and deletes expired sessions on the first check and then once an hour. Safe on every
 * instance at once: sendDueReminders claims each reminder in one statement, and deleting what
 * has expired twice deletes it once.
 */
export function startReminderSchedule(
  db: Db,
  log: (message: string) => void,
  everyMs = REMINDER_CHECK_MS
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let sweptAt = -Infinity;
  const tick = () => {
    const sweep = Date.now() - sweptAt >= SESSION_SWEEP_MS;
    if (sweep) sweptAt = Date.now();
    running = Promise.all([
      sendDueReminders(db)
        .then((sent) => sent && log(`Reminders: sent ${sent}`))
        .catch((error) =>
          log(`Reminders failed: ${error instanceof Error ? error.message : error}`)
        ),
      // Staff alert digests ride the same schedule: each is sent once a day, whoever runs it.
      sendDueDigests(db)
        .then((sent) => sent && log(`Alert digests: sent ${sent}`))
        .catch((error) => log(`Digests failed: ${error instanceof Error ? error.message : error}`)),
      sweep &&
        deleteExpiredSessions(db).catch((error) =>
          log(`Deleting expired sessions failed: ${error instanceof Error ? error.message : error}`)
        )
    ]);
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
