// What a process that sends mail runs beside serving requests (the app, unless EMAIL_WORKER=false;
// then `npm run cli -- worker` runs the same two on its own).
import type { Config } from './config';
import type { DatabaseHandle } from './db/client';
import { startEmailWorker } from './email/worker';
import { startReminderSchedule } from './packets/reminder-schedule';

/**
 * Starts the outbox worker and, beside it, the schedule that queues automatic reminders and
 * alert digests for it to send and deletes expired sessions. Returns a function that stops both.
 */
export function startBackgroundWork(handle: DatabaseHandle, config: Config): () => Promise<void> {
  const stopWorker = startEmailWorker(handle, config);
  const stopSchedule = startReminderSchedule(handle.db, (message) => {
    if (config.LOG_LEVEL !== 'silent') console.info(message);
  });
  return async () => {
    await stopSchedule();
    await stopWorker();
  };
}
