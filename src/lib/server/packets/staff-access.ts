import { error, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/client';
import { isUuid, requireStaff, type StaffAccess } from '../auth/guards';
import { clientIp } from '../auth/request-meta';
import { getClient } from './clients';
import { getPacket } from './packets';

/** Staff access plus the firm's packet; another firm's or a malformed id is a 404. */
export async function requireStaffPacket(event: RequestEvent, packetId: string) {
  const access = await requireStaff(event);
  if (!isUuid(packetId)) error(404, 'Not found');
  const row = await getPacket(getDb(), access.firm.id, packetId);
  if (!row) error(404, 'Not found');
  return { ...access, ...row };
}

/** Staff access plus the firm's client; another firm's or a malformed id is a 404. */
export async function requireStaffClient(
  event: RequestEvent,
  clientId: string
): Promise<StaffAccess & { client: NonNullable<Awaited<ReturnType<typeof getClient>>> }> {
  const access = await requireStaff(event);
  if (!isUuid(clientId)) error(404, 'Not found');
  const row = await getClient(getDb(), access.firm.id, clientId);
  if (!row) error(404, 'Not found');
  return { ...access, client: row };
}

export const clientMeta = (event: RequestEvent) => ({
  ip: clientIp(event),
  ua: event.request.headers.get('user-agent')
});
