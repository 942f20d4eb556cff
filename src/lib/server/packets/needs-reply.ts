import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import {
  client,
  clientContact,
  comment,
  decision,
  document,
  packet,
  user,
  type Packet
} from '../db/schema';
import { recordAudit } from '../audit';

/**
 * A contact's question nobody at the firm has answered yet. Written out (not bound as
 * parameters) so the planner matches the partial index `comment_needs_reply`.
 */
export const isOpenQuestion = () =>
  sql`${comment.authorKind} = 'contact' and ${comment.answeredAt} is null`;

/**
 * What staff need around a question (a select from `comment`): its packet, client, author (the
 * user, and the contact as this client knows them) and the document it is pinned to. Shared by
 * the Needs reply list and the alert mails.
 */
export function withQuestionContext<T extends PgSelect>(query: T) {
  return query
    .innerJoin(packet, eq(packet.id, comment.packetId))
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(user, eq(user.id, comment.authorId))
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, comment.authorId), eq(clientContact.clientId, packet.clientId))
    )
    .leftJoin(document, eq(document.id, comment.documentId));
}

/** A firm's open questions: the condition of the list and the count (and of the index). */
export const needsReplyOf = (firmId: string) => and(eq(comment.firmId, firmId), isOpenQuestion());

const EXCERPT = 240;

export interface NeedsReplyItem {
  id: string;
  packetId: string;
  at: Date;
  excerpt: string;
  page: number | null;
  documentName: string | null;
  clientName: string;
  packetTitle: string;
  period: string;
  /** As the firm named the contact; '' when it did not (show the address). */
  authorName: string;
  authorEmail: string;
}

/** The firm's open questions, oldest first: at most `limit` of them, and how many in all. */
export async function listNeedsReply(
  db: Db,
  firmId: string,
  limit = 50
): Promise<{ rows: NeedsReplyItem[]; total: number }> {
  const [rows, total] = await Promise.all([
    withQuestionContext(
      db
        .select({
          id: comment.id,
          packetId: comment.packetId,
          at: comment.at,
          excerpt: sql<string>`left(${comment.body}, ${EXCERPT + 1})`,
          page: comment.page,
          documentName: document.displayName,
          clientName: client.name,
          packetTitle: packet.title,
          period: packet.period,
          authorName: sql<string>`coalesce(${clientContact.name}, '')`,
          authorEmail: user.email
        })
        .from(comment)
        .$dynamic()
    )
      .where(needsReplyOf(firmId))
      .orderBy(asc(comment.at), asc(comment.id))
      .limit(limit),
    countNeedsReply(db, firmId)
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      excerpt: r.excerpt.length > EXCERPT ? `${r.excerpt.slice(0, EXCERPT - 1)}…` : r.excerpt
    })),
    total
  };
}

/** How many of the firm's questions wait for a reply (the app bar's count). */
export async function countNeedsReply(db: Db, firmId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(comment)
    .where(needsReplyOf(firmId));
  return row.n;
}

export interface QuestionRow {
  id: string;
  authorId: string;
  body: string;
  at: Date;
  answeredAt: Date | null;
}

/**
 * Contact questions of this packet (of its firm) with these ids, open or answered. Fewer rows
 * than ids means one is someone else's, a staff reply, or unknown: callers refuse the lot.
 */
export async function findQuestions(db: Db, p: Packet, ids: string[]): Promise<QuestionRow[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: comment.id,
      authorId: comment.authorId,
      body: comment.body,
      at: comment.at,
      answeredAt: comment.answeredAt
    })
    .from(comment)
    .where(
      and(
        inArray(comment.id, ids),
        eq(comment.packetId, p.id),
        eq(comment.firmId, p.firmId),
        eq(comment.authorKind, 'contact')
      )
    )
    .orderBy(asc(comment.at), asc(comment.id));
}

export type AnswerResult = { ok: true; changed: boolean } | { ok: false };

/**
 * Staff mark one question of the packet answered without replying, or (`open`) as needing a
 * reply again. Someone else's question is `{ ok: false }` and changes nothing.
 */
export async function setQuestionAnswered(
  db: Db,
  p: Packet,
  questionId: string,
  by: { id: string },
  answered: boolean,
  meta: { ip?: string | null; ua?: string | null } = {}
): Promise<AnswerResult> {
  return db.transaction(async (tx) => {
    const [question] = await findQuestions(tx, p, [questionId]);
    if (!question) return { ok: false };
    if ((question.answeredAt !== null) === answered) return { ok: true, changed: false };
    await tx
      .update(comment)
      .set(
        answered
          ? { answeredAt: sql`now()`, answeredBy: by.id }
          : { answeredAt: null, answeredBy: null }
      )
      .where(eq(comment.id, question.id));
    await recordAudit(tx, {
      action: answered ? 'question.marked_answered' : 'question.reopened',
      firmId: p.firmId,
      actorId: by.id,
      subject: `packet:${p.id}`,
      ...meta,
      data: { commentId: question.id, excerpt: excerptOf(question.body) }
    });
    return { ok: true, changed: true };
  });
}

export const excerptOf = (body: string, max = 120) =>
  body.length > max ? `${body.slice(0, max - 1)}…` : body;

export interface StandingDecline {
  decisionId: string;
  packetId: string;
  at: Date;
  reason: string;
  clientName: string;
  packetTitle: string;
  period: string;
  /** As the firm named the contact; '' when it did not (show the address). */
  authorName: string;
  authorEmail: string;
}

/**
 * The firm's standing declines: an approver said something is wrong with the current version
 * of a published packet, and nothing has moved since (no new version, no later approval).
 * Oldest first, at most `limit`. They wait for staff as an open question does.
 */
export async function listStandingDeclines(
  db: Db,
  firmId: string,
  limit = 50
): Promise<StandingDecline[]> {
  const rows = await db
    .select({
      decisionId: decision.id,
      packetId: decision.packetId,
      at: decision.at,
      reason: sql<string>`left(coalesce(${decision.reason}, ''), ${EXCERPT + 1})`,
      clientName: client.name,
      packetTitle: packet.title,
      period: packet.period,
      authorName: clientContact.name,
      authorEmail: user.email
    })
    .from(decision)
    .innerJoin(packet, and(eq(packet.id, decision.packetId), eq(packet.version, decision.version)))
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(
      and(
        eq(decision.firmId, firmId),
        eq(decision.kind, 'decline'),
        isNull(decision.withdrawnAt),
        eq(packet.status, 'published'),
        eq(clientContact.role, 'approver')
      )
    )
    .orderBy(asc(decision.at), asc(decision.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    reason: r.reason.length > EXCERPT ? `${r.reason.slice(0, EXCERPT - 1)}…` : r.reason
  }));
}
