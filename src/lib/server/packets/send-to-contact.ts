import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recordAudit } from '../audit';
import { delivery, packet, type Firm } from '../db/schema';
import { publishedPacket } from '../review/published';
import { loadPacketMailContext } from './packet-email';
import { activeRecipients, mailPacketLink } from './publish';

/**
 * Mails a contact added after a publish every packet the client has published now (as its
 * contacts see it), with a delivery on its current version, as if they had been there when it
 * was published. Staff ask for this explicitly when adding the contact. Returns how many went.
 */
export async function sendPublishedPackets(
  tx: Db,
  firm: Firm,
  clientId: string,
  contactId: string,
  actorId: string
): Promise<number> {
  const to = (await activeRecipients(tx, clientId)).find((r) => r.contactId === contactId);
  if (!to) return 0;
  const packets = await tx
    .select()
    .from(packet)
    .where(
      and(eq(packet.clientId, clientId), eq(packet.firmId, firm.id), eq(packet.status, 'published'))
    );
  let sent = 0;
  for (const p of packets) {
    const shown = await publishedPacket(tx, p);
    const [row] = await tx
      .insert(delivery)
      .values({ firmId: firm.id, packetId: p.id, version: p.version, contactId })
      .onConflictDoNothing()
      .returning({ id: delivery.id });
    if (!row) continue;
    const context = await loadPacketMailContext(tx, shown, shown.version);
    const outboxId = await mailPacketLink(tx, firm, shown, context, to, 'packet', row.id);
    await tx.update(delivery).set({ outboxId }).where(eq(delivery.id, row.id));
    await recordAudit(tx, {
      action: 'packet.sent_to_contact',
      firmId: firm.id,
      actorId,
      subject: `packet:${p.id}`,
      data: { version: p.version, contacts: [to.email] }
    });
    sent++;
  }
  return sent;
}
