import { requireStaff } from '$lib/server/auth/guards';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { listClients } from '$lib/server/packets/clients';
import { defaultPeriod } from '$lib/format/periods';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  const clients = await listClients(getDb(), firm.id);
  return {
    clients: clients.map((c) => ({ id: c.id, name: c.name, code: c.code, contacts: c.contacts })),
    period: defaultPeriod(new Date(), firm.timeZone),
    maxUploadMb: getConfig().MAX_UPLOAD_MB
  };
};
