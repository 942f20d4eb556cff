import { error } from '@sveltejs/kit';
import { zoneOrUtc } from '$lib/format/time-zone';
import { auditCsvStream } from '$lib/server/audit-log/export';
import { auditRangeSchema, rangeInstants, rangeProblem } from '$lib/server/audit-log/range';
import { requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { csvDownload } from '$lib/server/http/file-headers';
import type { RequestHandler } from './$types';

/** The firm's audit log for whole days From..To (its zone) as a streamed CSV download. */
export const GET: RequestHandler = async (event) => {
  const { firm } = await requireStaff(event);
  const query = event.url.searchParams;
  const parsed = auditRangeSchema.safeParse({
    from: query.get('from') ?? '',
    to: query.get('to') ?? ''
  });
  if (!parsed.success) error(400, rangeProblem(parsed.error));
  const timeZone = zoneOrUtc(firm.timeZone);
  const { from, to } = rangeInstants(parsed.data, timeZone);
  // Events written while the download runs are left for the next one: a stable end.
  const until = new Date(Math.min(to.getTime(), Date.now()));
  const stream = auditCsvStream(getDb(), { firmId: firm.id, from, to: until }, { timeZone });
  return csvDownload(stream, `sheaf-audit-${firm.slug}-${parsed.data.from}-${parsed.data.to}`);
};
