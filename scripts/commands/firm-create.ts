import { currentZoneName, DEFAULT_TIME_ZONE, isTimeZone } from '../../src/lib/format/time-zone';
import { createFirmWithOwner } from '../../src/lib/server/firm/create-firm';
import { maskEmail } from '../../src/lib/server/auth/magic-link';
import { normaliseEmail } from '../../src/lib/format/email-address';
import { parseOptions, UsageError, type CliCommand } from './types';

const USAGE =
  'firm:create --name "Smith & Co" --owner-email ann@smith.example --owner-name "Ann Smith" [--time-zone America/New_York]';

export const firmCreate: CliCommand = {
  summary: 'create a firm and its owner, and email the owner a sign-in link',
  async run({ args, config, database }) {
    const { options } = parseOptions(args);
    const name = options.name?.trim();
    const ownerName = options['owner-name']?.trim();
    const email = normaliseEmail(options['owner-email']);
    if (!name || name === 'true') throw new UsageError(`--name is required. Usage: ${USAGE}`);
    if (!email) throw new UsageError(`--owner-email needs a valid address. Usage: ${USAGE}`);
    if (!ownerName || ownerName === 'true') {
      throw new UsageError(`--owner-name is required. Usage: ${USAGE}`);
    }
    const timeZone = options['time-zone']?.trim() ?? DEFAULT_TIME_ZONE;
    if (!isTimeZone(timeZone)) {
      throw new UsageError(
        `--time-zone needs an IANA time zone name such as America/New_York or Europe/London (got "${timeZone}").`
      );
    }
    const created = await database.db.transaction((tx) =>
      createFirmWithOwner(tx, {
        name,
        ownerEmail: email,
        ownerName,
        timeZone: currentZoneName(timeZone)
      })
    );
    console.log(created.firm.id);
    const where =
      config.mailTransport === 'mailbox'
        ? `the dev mailbox (${config.origin}/dev/mailbox)`
        : 'Postmark';
    console.error(
      `Created ${created.firm.name} (${created.firm.slug}). Time zone ${timeZone}. A sign-in link for ${maskEmail(email)} is queued for ${where}; it is sent while the server runs.`
    );
  }
};
