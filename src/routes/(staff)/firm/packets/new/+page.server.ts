import { fail, redirect } from '@sveltejs/kit';
import { isUuid, requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { recordAudit } from '$lib/server/audit';
import { getClient, listClients } from '$lib/server/packets/clients';
import { fieldErrors, readForm } from '$lib/server/http/form';
import { dayEndIn, packetSchema } from '$lib/server/packets/forms';
import { defaultPeriod } from '$lib/format/periods';
import { createPacket } from '$lib/server/packets/packets';
import { clientMeta } from '$lib/server/auth/request-meta';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  const clients = await listClients(getDb(), firm.id);
  const wanted = event.url.searchParams.get('client') ?? '';
  return {
    clients: clients.map((c) => ({ id: c.id, name: c.name, code: c.code, contacts: c.contacts })),
    selected: clients.some((c) => c.id === wanted) ? wanted : '',
    period: defaultPeriod(new Date(), firm.timeZone),
    // The clients read the title: it starts in the firm's language for them.
    defaultTitle: m.default_packet_title({}, { locale: firm.locale })
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { firm, user } = await requireStaff(event);
    const values = await readForm(event.request);
    const clientId = values.clientId ?? '';
    const client = isUuid(clientId) ? await getClient(getDb(), firm.id, clientId) : null;
    const parsed = packetSchema.safeParse(values);
    if (!client || !parsed.success) {
      const errors = parsed.success ? {} : fieldErrors(parsed.error);
      if (!client) errors.clientId = ['Choose a client.'];
      return fail(400, { message: 'Check the highlighted fields.', errors, values });
    }
    const created = await getDb().transaction(async (tx) => {
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
        ...clientMeta(event),
        data: { client: client.name, period: row.period, title: row.title }
      });
      return row;
    });
    redirect(303, `/firm/packets/${created.id}`);
  }
};
