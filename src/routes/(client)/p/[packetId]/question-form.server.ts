// The ask-a-question form of the packet page and of a document's page (d/[docId]), read and
// answered with fail() here beside its routes; askQuestion (review/questions.ts) records it.
import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import type { ContactAccess } from '$lib/server/auth/guards';
import { readSeenVersion } from '$lib/server/review/decisions';
import type { RequestEvidence } from '$lib/server/review/evidence';
import { askQuestion, questionSchema, type QuestionInput } from '$lib/server/review/questions';
import { m } from '$lib/paraglide/messages';

export interface QuestionFailure {
  action: 'ask';
  message: string;
  errors: Partial<Record<'body' | 'documentId' | 'page' | 'requestId' | 'version', string>>;
  values: { body: string; page: string };
  [key: string]: unknown;
}

/** Reads the ask-a-question form (body, version, documentId?, page?, requestId?). */
export function readQuestion(
  form: FormData
): { ok: true; question: QuestionInput } | { ok: false; failure: QuestionFailure } {
  const raw = {
    body: String(form.get('body') ?? ''),
    documentId: String(form.get('documentId') ?? ''),
    page: String(form.get('page') ?? ''),
    requestId: String(form.get('requestId') ?? '')
  };
  const parsed = questionSchema.safeParse(raw);
  if (parsed.success) {
    return { ok: true, question: { ...parsed.data, seenVersion: readSeenVersion(form) } };
  }
  const errors: QuestionFailure['errors'] = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof QuestionFailure['errors'];
    errors[field] ??= field === 'page' ? m.err_choose_page() : issue.message;
  }
  const message =
    errors.body ?? errors.page ?? errors.documentId ?? errors.requestId ?? m.err_check_form();
  return {
    ok: false,
    failure: { action: 'ask', message, errors, values: { body: raw.body, page: raw.page } }
  };
}

/**
 * Records the question; an invalid document or page is a 400 with the reason, a question on a
 * version that is no longer current a 409 (its text comes back to the form).
 */
export async function submitQuestion(
  access: ContactAccess,
  question: QuestionInput,
  evidence: RequestEvidence
) {
  const result = await askQuestion(getDb(), {
    packet: access.packet,
    contact: access.contact,
    question,
    evidence
  });
  if (!result.ok) {
    return fail('stale' in result ? 409 : 400, {
      action: 'ask',
      message: result.message,
      stale: 'stale' in result,
      seenVersion: question.seenVersion,
      errors: { [result.field]: result.message },
      values: { body: question.body, page: String(question.page ?? '') }
    });
  }
  return { action: 'ask', asked: true, commentId: result.commentId, replayed: result.replayed };
}
