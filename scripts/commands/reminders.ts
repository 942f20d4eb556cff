import { sendDueReminders } from '../../src/lib/server/packets/reminders';
import type { CliCommand } from './types';

export const reminders: CliCommand = {
  summary: 'reminders: send the packet reminders that are due now (safe to run from cron)',
  async run({ database }) {
    let total = 0;
    // Batches of 500 until nothing is due.
    for (;;) {
      const sent = await sendDueReminders(database.db);
      if (sent === 0) break;
      total += sent;
    }
    console.log(`${total} reminder${total === 1 ? '' : 's'} queued.`);
  }
};
