import { createEmailWorker, transportFor } from '../../src/lib/server/email/worker';
import { startReminderSchedule } from '../../src/lib/server/packets/reminder-schedule';
import { checkMailTransport } from '../../src/lib/server/config';
import { closeDatabase } from '../../src/lib/server/db/client';
import type { CliCommand } from './types';

/** `npm run cli -- worker`: the outbox worker on its own, until SIGINT or SIGTERM. */
export const workerCommand: CliCommand = {
  summary: 'send queued email (the outbox worker alone) until stopped with Ctrl-C',
  keepOpen: true,
  async run({ config, database }) {
    checkMailTransport(config);
    const worker = createEmailWorker(database.db, {
      transport: transportFor(config),
      log: (level, message) => {
        if (config.LOG_LEVEL !== 'silent') console[level](message);
      }
    });
    worker.start();
    const stopReminders = startReminderSchedule(database.db, (message) => {
      if (config.LOG_LEVEL !== 'silent') console.info(message);
    });
    const where =
      config.mailTransport === 'postmark'
        ? `Postmark (stream ${config.POSTMARK_MESSAGE_STREAM})`
        : 'the dev mailbox';
    if (config.LOG_LEVEL !== 'silent') {
      console.log(`Email worker ${worker.id} is sending to ${where}. Ctrl-C stops it.`);
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    if (config.LOG_LEVEL !== 'silent') console.log(`${signal}: finishing the batch in flight…`);
    await stopReminders();
    await worker.stop();
    await closeDatabase();
    return 0;
  }
};
