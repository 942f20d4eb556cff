import { zoneOrUtc } from '$lib/format/time-zone';
import { auditCsvStream } from '$lib/server/audit-log/export';
import { requireStaffPacket } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { csvDownload } from '$lib/server/http/file-headers';
import type { RequestHandler } from './$types';

/** One packet's audit trail, all of it, as a streamed CSV download. */
export const GET: RequestHandler = async (event) => {
  const { firm, packet, client } = await requireStaffPacket(event, event.params.id);
  const timeZone = zoneOrUtc(firm.timeZone);
  const scope = { firmId: firm.id, subject: `packet:${packet.id}`, to: new Date() };
  const stream = auditCsvStream(getDb(), scope, { timeZone });
  return csvDownload(stream, `sheaf-audit-${firm.slug}-${client.code}-${packet.period}`);
};
