import { isHttpError, json } from '@sveltejs/kit';
import { isUuid, requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { recordAudit } from '$lib/server/audit';
import { getClient } from '$lib/server/packets/clients';
import { fieldErrors } from '$lib/server/http/form';
import { dayEndIn, packetSchema } from '$lib/server/packets/forms';
import { createPacket } from '$lib/server/packets/packets';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/** Bulk publish, step 1 per client: a draft packet. JSON in {clientId, period, title, note, dueAt}. */
export const POST: RequestHandler = async (event) => {
  const { firm, user } = await requireStaff(event);
  requireSameOrigin(event);
  const body = (await event.request.json().catch((e: unknown) => {
    if (isHttpError(e)) throw e; // the body cap's 413 or 408
    return null;
  })) as Record<string, unknown> | null;
  if (!body) return json({ error: 'Send JSON.' }, { status: 400 });
  const clientId = String(body.clientId ?? '');
  const client = isUuid(clientId) ? await getClient(getDb(), firm.id, clientId) : null;
  if (!client) return json({ error: 'Client not found.' }, { status: 404 });
  const parsed = packetSchema.safeParse({
    title: String(body.title ?? ''),
    period: String(body.period ?? ''),
    note: String(body.note ?? ''),
    dueAt: String(body.dueAt ?? '')
  });
  if (!parsed.success) {
    const first = Object.values(fieldErrors(parsed.error)).flat()[0];
    return json({ error: first ?? 'Check the details.' }, { status: 400 });
  }
  const packet = await getDb().transaction(async (tx) => {
    const row = await createPacket(tx, firm.id, user.id, {
      clientId: client.id,
      ...parsed.data,
      dueAt: dayEndIn(parsed.data.dueAt, firm.timeZone)
    });
    await recordAudit(tx, {
      action: 'packet.created',
      firmId: firm.id,
      actorId: user.id,
      subject: `packet:${row.id}`,
      data: { client: client.name, period: row.period, bulk: true }
    });
    return row;
  });
  return json({ packetId: packet.id }, { status: 201 });
};
