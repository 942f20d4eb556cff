import { requireStaff } from '$lib/server/auth/guards';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { listClients } from '$lib/server/packets/clients';
import { defaultPeriod } from '$lib/format/periods';
import { countMailable } from '$lib/server/packets/audience';
import { renderPacketEmail } from '$lib/server/packets/packet-email';
import { m } from '$lib/paraglide/messages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  const [clients, mailable] = await Promise.all([
    listClients(getDb(), firm.id),
    countMailable(getDb(), firm.id)
  ]);
  // The subject each approver gets, with the parts the form fills in left as {markers}.
  const { subject } = renderPacketEmail({
    firm,
    clientName: '{client}',
    documents: [],
    packet: { title: '{what}', period: '', note: '', dueAt: null },
    kind: 'packet',
    role: 'approver',
    contactName: '',
    url: '',
    expiresAt: new Date()
  });
  return {
    clients: clients.map((c) => ({
      id: c.id,
      name: c.name,
      code: c.code,
      contacts: c.contacts,
      mailable: mailable.get(c.id) ?? 0
    })),
    subjectTemplate: subject,
    period: defaultPeriod(new Date(), firm.timeZone),
    // The clients read the title: it starts in the firm's language for them.
    defaultTitle: m.default_packet_title({}, { locale: firm.locale }),
    maxUploadMb: getConfig().MAX_UPLOAD_MB
  };
};
