import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { listInboxPackets } from '$lib/server/review/inbox';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const inbox = await listInboxPackets(getDb(), user.id);
  const wanted = event.url.searchParams.get('client');
  const selected = inbox.clients.some((c) => c.id === wanted) ? wanted : null;
  return {
    clients: inbox.clients,
    selected,
    packets: selected ? inbox.packets.filter((p) => p.clientId === selected) : inbox.packets
  };
};
