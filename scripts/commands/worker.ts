import { startBackgroundWork } from '../../src/lib/server/background';
import { checkMailTransport } from '../../src/lib/server/config';
import { closeDatabase } from '../../src/lib/server/db/client';
import type { CliCommand } from './types';

/** `npm run cli -- worker`: the app's background work on its own, until SIGINT or SIGTERM. */
export const workerCommand: CliCommand = {
  summary: 'send queued email, reminders and digests (no web server) until stopped with Ctrl-C',
  keepOpen: true,
  async run({ config, database }) {
    checkMailTransport(config);
    // The same work the app starts beside its web server (EMAIL_WORKER=false turns it off there).
    const stop = startBackgroundWork(database, config);
    const where =
      config.mailTransport === 'postmark'
        ? `Postmark (stream ${config.POSTMARK_MESSAGE_STREAM})`
        : 'the dev mailbox';
    if (config.LOG_LEVEL !== 'silent') {
      console.log(`Email worker is sending to ${where}. Ctrl-C stops it.`);
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    if (config.LOG_LEVEL !== 'silent') console.log(`${signal}: finishing the batch in flight…`);
    await stop();
    await closeDatabase();
    return 0;
  }
};
