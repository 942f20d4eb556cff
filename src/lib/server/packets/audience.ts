// Who a publish mails, and who it does not and why: the confirm step shows this list and
// publishPacket sends to exactly its `mailed` half, so the preview cannot disagree with the mail.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, user } from '../db/schema';
import { formatDate } from '../../format/dates';
import type { PacketRecipient } from './publish';

/** A contact publish would mail (the same shape publish sends to). */
export type AudienceContact = PacketRecipient;

export interface SkippedContact extends AudienceContact {
  /** "Access ended 3 Dec 2026." / "The last email to this address bounced: …" */
  why: string;
}

export interface PublishAudience {
  mailed: AudienceContact[];
  skipped: SkippedContact[];
}

/**
 * The client's contacts split into those a publish mails now and those it skips: access ended,
 * or the last mail to the contact bounced or was refused for good (a hard bounce; Postmark would
 * refuse the address again, so another mail only adds a failure).
 */
export async function publishAudience(
  db: Db,
  clientId: string,
  timeZone: string,
  now = new Date()
): Promise<PublishAudience> {
  const rows = await db
    .select({
      contactId: clientContact.id,
      userId: user.id,
      email: user.email,
      name: clientContact.name,
      role: clientContact.role,
      accessExpiresAt: clientContact.accessExpiresAt,
      lastStatus: sql<
        string | null
      >`(select d.status from delivery d where d.contact_id = ${clientContact.id} order by d.created_at desc limit 1)`,
      lastDetail: sql<
        string | null
      >`(select d.status_detail from delivery d where d.contact_id = ${clientContact.id} order by d.created_at desc limit 1)`
    })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(eq(clientContact.clientId, clientId))
    .orderBy(asc(clientContact.name), asc(user.email));
  const audience: PublishAudience = { mailed: [], skipped: [] };
  for (const { lastStatus, lastDetail, ...contact } of rows) {
    if (contact.accessExpiresAt && contact.accessExpiresAt <= now) {
      audience.skipped.push({
        ...contact,
        why: `Access ended ${formatDate(contact.accessExpiresAt, timeZone)}.`
      });
    } else if (lastStatus === 'bounced' || lastStatus === 'failed') {
      const what = lastStatus === 'bounced' ? 'bounced' : 'was refused';
      audience.skipped.push({
        ...contact,
        why: `The last email to this address ${what}${lastDetail ? ` (${lastDetail.replace(/\.$/, '')})` : ''}. Remove the contact and add a working address.`
      });
    } else audience.mailed.push(contact);
  }
  return audience;
}

/** Per client of the firm, how many contacts a publish would mail now (as publishAudience). */
export async function countMailable(db: Db, firmId: string, now = new Date()) {
  const rows = await db
    .select({ clientId: clientContact.clientId, n: sql<number>`count(*)::int` })
    .from(clientContact)
    .where(
      sql`${clientContact.firmId} = ${firmId}
        and (${clientContact.accessExpiresAt} is null or ${clientContact.accessExpiresAt} > ${now.toISOString()}::timestamptz)
        and coalesce((select d.status from delivery d where d.contact_id = ${clientContact.id} order by d.created_at desc limit 1), '') not in ('bounced', 'failed')`
    )
    .groupBy(clientContact.clientId);
  return new Map(rows.map((r) => [r.clientId, r.n]));
}
