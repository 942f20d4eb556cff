import { DEMO_FIRM, DEMO_STAFF, seedDemo } from '../../src/lib/server/demo/seed';
import type { CliCommand } from './types';

export const seedDemoCommand: CliCommand = {
  summary: 'create the demo firm (Harbor & Pine Bookkeeping) with clients, contacts and packets',
  async run({ config, database }) {
    console.log(`Seeding the demo firm "${DEMO_FIRM.name}"…`);
    const started = Date.now();
    const result = await seedDemo(database.db);
    if (!result.created) {
      console.log(
        `The demo firm already exists (slug "${DEMO_FIRM.slug}"): nothing changed.\n` +
          `It has ${result.clients} clients, ${result.contacts} contacts and ${result.packets} packets.`
      );
    } else {
      console.log(
        `Created ${result.staff} staff, ${result.clients} clients, ${result.contacts} contacts, ` +
          `${result.packets} packets and ${result.documents} PDFs in ${((Date.now() - started) / 1000).toFixed(1)} s.`
      );
    }
    const mail =
      config.mailTransport === 'postmark'
        ? 'Postmark sends it to that address'
        : `it arrives in the dev mailbox at ${config.origin}/dev/mailbox`;
    console.log(
      `\nSign in at ${config.origin}/sign-in as the owner, ${DEMO_STAFF[0].email}` +
        ` (staff: ${DEMO_STAFF.slice(1)
          .map((s) => s.email)
          .join(', ')}).\nThe sign-in form mails a link; ${mail}.`
    );
  }
};
