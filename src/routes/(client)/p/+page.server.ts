import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { listInboxPackets } from '$lib/server/review/inbox';
import { logoView } from '$lib/server/firm/logo-key';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const inbox = await listInboxPackets(getDb(), user.id);
  const wanted = event.url.searchParams.get('client');
  const selected = inbox.clients.some((c) => c.id === wanted) ? wanted : null;
  // One firm: the app bar is that firm's. Several: Sheaf's, and each packet names its firm.
  const firms = new Set(inbox.clients.map((c) => c.firmId));
  const only = firms.size === 1 ? inbox.clients[0] : null;
  const logo = only ? logoView(only.firmLogo) : null;
  return {
    brand: only && logo ? { name: only.firmName, logo } : null,
    clients: inbox.clients,
    selected,
    packets: selected ? inbox.packets.filter((p) => p.clientId === selected) : inbox.packets
  };
};
