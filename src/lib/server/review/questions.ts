import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { clientContact, comment, decision, document, membership, packet, user } from '../db/schema';
import type { ClientContact, Packet } from '../db/schema';
import { nameForFirm } from '../packets/contacts';
import { isOpenQuestion } from '../packets/needs-reply';
import { auditContactAction, isCurrentVersion, isUniqueViolation, staleMessage } from './decisions';
import { inPublishedVersion } from './published';
import { decisionEvidence, type RequestEvidence } from './evidence';
import { alertStaff } from '../alerts/alerts';
import { excerpt } from '../../format/words';
import { numberFormat } from '../../format/numbers';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';

export const QUESTION_MAX = 2000;

export const requestIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,100}$/, { error: () => m.err_request_unreadable() })
  .optional()
  .or(z.literal('').transform(() => undefined));

export const questionSchema = z.object({
  body: z
    .string()
    .trim()
    .min(1, { error: () => m.err_question_empty() })
    .max(QUESTION_MAX, {
      error: () =>
        m.err_question_too_long({ max: numberFormat(getLocale(), 0).format(QUESTION_MAX) })
    }),
  documentId: z
    .string()
    .uuid()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  requestId: requestIdSchema
});
export type QuestionInput = z.infer<typeof questionSchema> & {
  /** The version the contact was looking at: anything but the current one is refused. */
  seenVersion: number | null;
};

export interface ThreadEntry {
  id: string;
  body: string;
  at: Date;
  authorName: string;
  fromFirm: boolean;
  mine: boolean;
  /** The document asked about, by the name contacts see. */
  document: { id: string; displayName: string } | null;
  page: number | null;
}

/**
 * The packet's question-and-answer thread as one JSON text, oldest first, for a select from
 * `packet` joined to its firm (review/packet-state.ts); threadFromJson reads it.
 */
export const threadJson = sql<string>`(select coalesce(json_agg(json_build_array(${comment.id},
    ${comment.body}, extract(epoch from ${comment.at}) * 1000, ${comment.authorId}, ${nameForFirm},
    ${user.email}, ${comment.authorKind}, ${comment.documentId}, ${document.displayName},
    ${comment.page}) order by ${comment.at}, ${comment.id}), '[]')::text
  from ${comment} join ${user} on ${user.id} = ${comment.authorId}
  left join ${membership}
    on ${membership.userId} = ${comment.authorId} and ${membership.firmId} = ${comment.firmId}
  left join ${clientContact}
    on ${clientContact.userId} = ${comment.authorId} and ${clientContact.clientId} = ${packet.clientId}
  left join ${document} on ${document.id} = ${comment.documentId}
  where ${comment.packetId} = ${packet.id})`;

type ThreadRow = [
  string,
  string,
  number,
  string,
  string,
  string,
  'staff' | 'contact',
  string | null,
  string | null,
  number | null
];

/** The thread threadJson read, each author named as the firm does; `userId` is the reader. */
export function threadFromJson(json: string, userId: string): ThreadEntry[] {
  return (JSON.parse(json) as ThreadRow[]).map(
    ([
      id,
      body,
      at,
      authorId,
      authorName,
      authorEmail,
      authorKind,
      documentId,
      displayName,
      page
    ]) => ({
      id,
      body,
      at: new Date(at),
      authorName: authorName || authorEmail,
      fromFirm: authorKind === 'staff',
      mine: authorId === userId,
      document: documentId && displayName ? { id: documentId, displayName } : null,
      page
    })
  );
}

/** Packets with a contact's question the firm has not answered (nor marked answered) yet. */
export async function packetsWithOpenQuestions(db: Db, packetIds: string[]): Promise<Set<string>> {
  if (packetIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ packetId: comment.packetId })
    .from(comment)
    .where(and(inArray(comment.packetId, packetIds), isOpenQuestion()));
  return new Set(rows.map((r) => r.packetId));
}

export type AskResult =
  | { ok: true; commentId: string; replayed: boolean }
  | { ok: false; field: 'documentId' | 'page' | 'requestId'; message: string }
  | { ok: false; field: 'version'; stale: true; message: string };

/**
 * Records a contact's question (a comment, pinned to a document page when given, plus a
 * 'question' decision for the current version). A repeated requestId returns the first record.
 */
export async function askQuestion(db: Db, input: AskInput): Promise<AskResult> {
  try {
    return await recordQuestion(db, input);
  } catch (error) {
    if (input.question.requestId && isUniqueViolation(error)) return recordQuestion(db, input);
    throw error;
  }
}

interface AskInput {
  packet: Packet;
  contact: ClientContact;
  question: QuestionInput;
  /** Where the request came from and how its contact signed in. */
  evidence: RequestEvidence;
}

async function recordQuestion(db: Db, input: AskInput): Promise<AskResult> {
  const { packet, contact, question } = input;
  return db.transaction(async (tx) => {
    if (question.requestId) {
      const [existing] = await tx
        .select({ id: comment.id, packetId: comment.packetId, authorId: comment.authorId })
        .from(comment)
        .where(eq(comment.clientRequestId, question.requestId))
        .limit(1);
      if (existing) {
        if (existing.packetId !== packet.id || existing.authorId !== contact.userId) {
          return { ok: false, field: 'requestId', message: m.err_request_used() };
        }
        return { ok: true, commentId: existing.id, replayed: true };
      }
    }
    if (!(await isCurrentVersion(tx, packet, question.seenVersion))) {
      return {
        ok: false,
        field: 'version',
        stale: true,
        message: staleMessage(question.seenVersion)
      };
    }
    let page: number | null = null;
    if (question.documentId) {
      const [doc] = await tx
        .select({ pages: document.pages })
        .from(document)
        .where(
          and(
            eq(document.id, question.documentId),
            eq(document.packetId, packet.id),
            inPublishedVersion(packet.version)
          )
        )
        .limit(1);
      if (!doc) return { ok: false, field: 'documentId', message: m.err_document_missing() };
      if (question.page !== undefined) {
        if (question.page > doc.pages) {
          return {
            ok: false,
            field: 'page',
            message: m.err_document_pages({ count: doc.pages })
          };
        }
        page = question.page;
      }
    }
    const [row] = await tx
      .insert(comment)
      .values({
        firmId: packet.firmId,
        packetId: packet.id,
        authorId: contact.userId,
        documentId: question.documentId ?? null,
        page,
        body: question.body,
        clientRequestId: question.requestId ?? null
      })
      .returning({ id: comment.id });
    // A question agrees to nothing: its evidence has no consent wording.
    const evidence = await decisionEvidence(tx, packet, input.evidence);
    await tx.insert(decision).values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: packet.version,
      contactId: contact.id,
      kind: 'question',
      ...evidence
    });
    await auditContactAction(
      tx,
      'packet.question_asked',
      { packet, contact, evidence },
      {
        commentId: row.id,
        documentId: question.documentId ?? null,
        page,
        excerpt: excerpt(question.body, 120)
      }
    );
    await alertStaff(tx, { kind: 'question', packet, commentId: row.id });
    return { ok: true, commentId: row.id, replayed: false };
  });
}
