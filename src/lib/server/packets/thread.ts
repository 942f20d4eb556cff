import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  clientContact,
  comment,
  document,
  membership,
  user,
  type Firm,
  type Packet
} from '../db/schema';
import { recordAudit } from '../audit';
import { nameForFirm } from './contacts';
import { activeRecipients } from './publish';
import { issueMagicLink } from '../auth/magic-link';
import { packetLinkExpiresAt } from '../auth/link-lifetime';
import { enqueueEmail } from '../email/outbox';
import { renderMagicLinkEmail } from '../email/templates/magic-link';
import { periodLabel } from './packets';
import { publishedPacket } from '../review/published';

/** The packet's questions and replies, oldest first, marking which come from staff. */
export async function listThread(db: Db, p: Packet) {
  const rows = await db
    .select({
      id: comment.id,
      body: comment.body,
      at: comment.at,
      page: comment.page,
      documentId: comment.documentId,
      documentName: document.filename,
      authorName: nameForFirm,
      authorEmail: user.email,
      staffRole: membership.role
    })
    .from(comment)
    .innerJoin(user, eq(user.id, comment.authorId))
    .leftJoin(document, eq(document.id, comment.documentId))
    .leftJoin(
      membership,
      and(eq(membership.userId, comment.authorId), eq(membership.firmId, p.firmId))
    )
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, comment.authorId), eq(clientContact.clientId, p.clientId))
    )
    .where(eq(comment.packetId, p.id))
    .orderBy(asc(comment.at));
  return rows.map(({ staffRole, ...r }) => ({ ...r, fromStaff: staffRole !== null }));
}

export const MAX_REPLY = 4000;

/** A staff reply: stored in the thread, and every active contact is mailed a link to it. */
export async function replyToThread(
  db: Db,
  firm: Firm,
  p: Packet,
  author: { id: string; name: string },
  body: string
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(comment)
      .values({ firmId: firm.id, packetId: p.id, authorId: author.id, body, authorKind: 'staff' })
      .returning();
    const recipients = await activeRecipients(tx, p.clientId);
    const shown = await publishedPacket(tx, p);
    const what = `${periodLabel(shown.period)} ${shown.title}`;
    for (const r of recipients) {
      const link = await issueMagicLink(tx, {
        userId: r.userId,
        purpose: 'packet',
        firmId: firm.id,
        packetId: p.id,
        redirectTo: `/p/${p.id}#thread`,
        expiresAt: packetLinkExpiresAt(firm, shown.dueAt)
      });
      const mail = renderMagicLinkEmail({
        firmName: firm.name,
        brandColor: firm.brandColor,
        heading: `${author.name || firm.name} replied about your ${what}`,
        intro: body,
        buttonLabel: 'Open the conversation',
        url: link.url,
        code: null,
        expiresAt: link.expiresAt,
        timeZone: firm.timeZone,
        note: null
      });
      await enqueueEmail(tx, {
        kind: 'reply',
        to: r.email,
        subject: `${firm.name} replied about your ${what}`,
        ...mail,
        replyTo: firm.replyTo,
        firmId: firm.id,
        metadata: { packetId: p.id, commentId: row.id }
      });
    }
    await recordAudit(tx, {
      action: 'thread.replied',
      firmId: firm.id,
      actorId: author.id,
      subject: `packet:${p.id}`,
      data: { commentId: row.id, recipients: recipients.length }
    });
    return row;
  });
}
