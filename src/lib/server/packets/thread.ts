import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
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
import { firmEnvelope } from '../email/sender';
import { enqueuePush } from '../push/outbox';
import { replyNotice } from '../push/notices';
import { formatWhen, renderMagicLinkEmail } from '../email/templates/magic-link';
import type { EmailQuote } from '../email/templates/branded';
import { zoneAbbreviation, zoneOrUtc } from '../../format/time-zone';
import { excerptOf, findQuestions, isOpenQuestion, type QuestionRow } from './needs-reply';
import { packetHeading } from '../../format/periods';
import { publishedPacket } from '../review/published';
import type { Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';
import { contactLocales } from '../i18n/contact-locale';

/** The packet's questions and replies, oldest first, with who answered each question and when. */
export async function listThread(db: Db, p: Packet) {
  const answerer = alias(user, 'answerer');
  const rows = await db
    .select({
      id: comment.id,
      body: comment.body,
      at: comment.at,
      page: comment.page,
      documentId: comment.documentId,
      documentName: document.displayName,
      authorName: nameForFirm,
      authorEmail: user.email,
      authorKind: comment.authorKind,
      replyTo: comment.replyTo,
      answeredAt: comment.answeredAt,
      answeredByName: sql<string | null>`coalesce(nullif(${answerer.name}, ''), ${answerer.email})`
    })
    .from(comment)
    .innerJoin(user, eq(user.id, comment.authorId))
    .leftJoin(answerer, eq(answerer.id, comment.answeredBy))
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
    .orderBy(asc(comment.at), asc(comment.id));
  // "Answered by X" when a reply of X's answered it; "Marked answered by X" when none did.
  return rows.map(({ authorKind, ...r }) => ({
    ...r,
    fromStaff: authorKind === 'staff',
    open: authorKind === 'contact' && r.answeredAt === null,
    answeredByReply: authorKind === 'contact' && r.answeredAt !== null && wasReplied(r, rows)
  }));
}

/**
 * A reply answered the question: a reply marks it answered at its own time (as the backfill
 * did), while "Mark answered" is a moment no staff comment has.
 */
function wasReplied(q: { answeredAt: Date | null }, rows: { authorKind: string; at: Date }[]) {
  return rows.some((r) => r.authorKind === 'staff' && r.at.getTime() === q.answeredAt?.getTime());
}

export const MAX_REPLY = 4000;

export type ReplyResult = { ok: true; commentId: string; answered: number } | { ok: false };

/**
 * A staff reply: stored in the thread, marking answered the question it names (`replyTo`) or,
 * naming none, every open question of the packet; every active contact is mailed a link to it,
 * quoting the question(s) it answers. A `replyTo` that is not a contact question of this packet
 * is `{ ok: false }` and nothing is written.
 */
export async function replyToThread(
  db: Db,
  firm: Firm,
  p: Packet,
  author: { id: string; name: string },
  body: string,
  options: { replyTo?: string | null } = {}
): Promise<ReplyResult> {
  return db.transaction(async (tx) => {
    const replyTo = options.replyTo ?? null;
    const named = replyTo ? await findQuestions(tx, p, [replyTo]) : [];
    if (replyTo && named.length === 0) return { ok: false };
    const [row] = await tx
      .insert(comment)
      .values({
        firmId: firm.id,
        packetId: p.id,
        authorId: author.id,
        body,
        authorKind: 'staff',
        replyTo
      })
      .returning();
    const answered = await tx
      .update(comment)
      .set({ answeredAt: row.at, answeredBy: author.id })
      .where(
        and(
          eq(comment.packetId, p.id),
          isOpenQuestion(),
          replyTo ? eq(comment.id, replyTo) : undefined
        )
      )
      .returning({ id: comment.id });
    const quoted = replyTo
      ? named
      : await findQuestions(
          tx,
          p,
          answered.map((a) => a.id)
        );
    const askers = await namesOfContacts(
      tx,
      p.clientId,
      quoted.map((q) => q.authorId)
    );
    const recipients = await activeRecipients(tx, p.clientId);
    const shown = await publishedPacket(tx, p);
    const locales = await contactLocales(
      tx,
      firm.id,
      recipients.map((r) => r.userId)
    );
    for (const r of recipients) {
      const locale = locales.get(r.userId) ?? firm.locale;
      const o = { locale };
      const what = packetHeading(shown.title, shown.period, ' ', locale);
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
        logo: firm.logo,
        heading: m.mail_reply_heading({ author: author.name || firm.name, what }, o),
        intro: body,
        quotes: quotesFor(quoted, r.userId, askers, firm.timeZone, locale),
        buttonLabel: m.mail_open_conversation({}, o),
        url: link.url,
        code: null,
        expiresAt: link.expiresAt,
        timeZone: firm.timeZone,
        note: null,
        locale
      });
      await enqueueEmail(tx, {
        kind: 'reply',
        to: r.email,
        subject: m.mail_reply_subject({ firm: firm.name, what }, o),
        ...mail,
        ...firmEnvelope(firm),
        metadata: { packetId: p.id, commentId: row.id }
      });
    }
    for (const locale of new Set(recipients.map((r) => locales.get(r.userId) ?? firm.locale))) {
      await enqueuePush(
        tx,
        recipients
          .filter((r) => (locales.get(r.userId) ?? firm.locale) === locale)
          .map((r) => r.userId),
        replyNotice(firm, shown, locale),
        `reply:${row.id}`
      );
    }
    await recordAudit(tx, {
      action: 'thread.replied',
      firmId: firm.id,
      actorId: author.id,
      subject: `packet:${p.id}`,
      data: {
        commentId: row.id,
        recipients: recipients.length,
        replyTo,
        answered: answered.map((a) => a.id)
      }
    });
    return { ok: true, commentId: row.id, answered: answered.length };
  });
}

/** The names the firm gave these people as contacts of the client (the askers of questions). */
async function namesOfContacts(db: Db, clientId: string, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ userId: user.id, name: clientContact.name, email: user.email })
    .from(user)
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, user.id), eq(clientContact.clientId, clientId))
    )
    .where(inArray(user.id, [...new Set(userIds)]));
  return new Map(rows.map((r) => [r.userId, r.name || r.email]));
}

const QUOTED = { questions: 3, chars: 600 };

/** "You asked on Tue 2 Dec, 14:00 GMT:" (or "Ada asked …") and the question, for one recipient. */
function quotesFor(
  questions: QuestionRow[],
  recipientId: string,
  askers: Map<string, string>,
  timeZone: string | null,
  locale: Locale
): EmailQuote[] {
  const o = { locale };
  const zone = zoneOrUtc(timeZone);
  const quotes = questions.slice(0, QUOTED.questions).map((q) => {
    const when = `${formatWhen(q.at, zone, locale)} ${zoneAbbreviation(q.at, zone)}`;
    const name = askers.get(q.authorId) ?? m.mail_quote_colleague({}, o);
    return {
      label:
        q.authorId === recipientId
          ? m.mail_quote_you({ when }, o)
          : m.mail_quote_other({ name, when }, o),
      body: excerptOf(q.body, QUOTED.chars)
    };
  });
  const more = questions.length - quotes.length;
  if (more > 0) quotes.push({ label: m.mail_quote_more({ count: more }, o), body: '' });
  return quotes;
}
