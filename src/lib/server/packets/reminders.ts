import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { firm as firmTable, packet as packetTable, type Firm, type Packet } from '../db/schema';
import { rowsOf } from '../db/rows';
import { recordAudit } from '../audit';
import { publishedPacket } from '../review/published';
import { versionApproved } from '../review/approval';
import { loadPacketMailContext, type PacketMailContext } from './packet-email';
import { mailPacketLink } from './publish';

interface ClaimedReminder extends Record<string, unknown> {
  delivery_id: string;
  packet_id: string;
  contact_id: string;
  user_id: string;
  email: string;
  name: string;
  role: 'approver' | 'viewer';
  access_expires_at: Date | string | null;
}

// A version already approved under the firm's rule ("any one approver") asks nobody else.
const approvedAlready = versionApproved(
  { id: sql`p2.id`, version: sql`p2.version`, clientId: sql`p2.client_id` },
  sql`f2.approval_rule`
);

/**
 * Sends the automatic reminders that are due at `now`: every firm.reminder_every_days days after
 * the mail (or the last reminder), to approvers on the current version who have not reviewed
 * (a viewer is never asked to review by a date), while the packet is published and not past
 * due. The claim is one UPDATE ... RETURNING in the same transaction as the mails: a second
 * instance running at the same moment waits on the row locks, re-checks the condition and
 * finds nothing to send, so no reminder goes out twice.
 */
export async function sendDueReminders(
  db: Db,
  now = new Date(),
  options: { limit?: number; firmId?: string } = {}
): Promise<number> {
  const iso = now.toISOString();
  const limit = options.limit ?? 500;
  // One firm's only: tests move the clock days ahead for their own firm, and must not remind
  // the contacts of firms other tests are using at the same moment in the same database.
  const ofFirm = options.firmId ? sql`and p2.firm_id = ${options.firmId}` : sql``;
  return db.transaction(async (tx) => {
    const claimed = rowsOf<ClaimedReminder>(
      await tx.execute(sql`
        update delivery d
           set last_reminded_at = ${iso}::timestamptz, reminders = d.reminders + 1
          from packet p, firm f, client_contact cc, "user" u
         where d.id in (
                 select d2.id from delivery d2
                   join packet p2 on p2.id = d2.packet_id and p2.version = d2.version
                   join packet_version pv2 on pv2.packet_id = p2.id and pv2.version = p2.version
                   join firm f2 on f2.id = p2.firm_id
                   join client_contact cc2 on cc2.id = d2.contact_id and cc2.role = 'approver'
                  where p2.status = 'published'
                    and f2.reminder_every_days > 0
                    and not ${approvedAlready}
                    and d2.reviewed_at is null
                    and d2.status not in ('bounced', 'failed')
                    and (pv2.due_at is null or pv2.due_at > ${iso}::timestamptz)
                    ${ofFirm}
                    and coalesce(d2.last_reminded_at, d2.created_at)
                        <= ${iso}::timestamptz - make_interval(days => f2.reminder_every_days)
                  order by d2.created_at
                  limit ${limit}
                  for update of d2 skip locked)
           and p.id = d.packet_id and p.version = d.version and f.id = p.firm_id
           and cc.id = d.contact_id and u.id = cc.user_id
           and d.reviewed_at is null
           and coalesce(d.last_reminded_at, d.created_at)
               <= ${iso}::timestamptz - make_interval(days => f.reminder_every_days)
           and (cc.access_expires_at is null or cc.access_expires_at > ${iso}::timestamptz)
           and cc.role = 'approver'
           and not exists (select 1 from decision x
                            where x.packet_id = d.packet_id and x.version = d.version
                              and x.contact_id = d.contact_id and x.withdrawn_at is null)
        returning d.id as delivery_id, d.packet_id, d.contact_id, u.id as user_id, u.email,
                  cc.name, cc.role, cc.access_expires_at`)
    );
    if (claimed.length === 0) return 0;
    const packets = new Map<string, { packet: Packet; firm: Firm; context: PacketMailContext }>();
    for (const c of claimed) {
      if (!packets.has(c.packet_id)) {
        const [row] = await tx
          .select({ packet: packetTable, firm: firmTable })
          .from(packetTable)
          .innerJoin(firmTable, eq(firmTable.id, packetTable.firmId))
          .where(eq(packetTable.id, c.packet_id));
        // Reminders name the packet, and its due date, as its contacts were sent it.
        const shown = await publishedPacket(tx, row.packet);
        const context = await loadPacketMailContext(tx, shown, shown.version);
        packets.set(c.packet_id, { ...row, packet: shown, context });
      }
      const { packet, firm, context } = packets.get(c.packet_id)!;
      await mailPacketLink(
        tx,
        firm,
        packet,
        context,
        {
          contactId: c.contact_id,
          userId: c.user_id,
          email: c.email,
          name: c.name,
          role: c.role,
          accessExpiresAt: c.access_expires_at ? new Date(c.access_expires_at) : null
        },
        'reminder',
        c.delivery_id,
        now
      );
    }
    // One entry per packet on its audit trail, in the same transaction as the mails.
    for (const [packetId, { packet, firm }] of packets) {
      await recordAudit(tx, {
        action: 'packet.reminded',
        firmId: firm.id,
        subject: `packet:${packetId}`,
        data: {
          version: packet.version,
          contacts: claimed.filter((c) => c.packet_id === packetId).map((c) => c.email)
        }
      });
    }
    return claimed.length;
  });
}
