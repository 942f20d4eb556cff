// Sending the queue once the reader is back online and signed in (sync.ts decides when): what
// went, what the server refused and why, told in toasts. A refused question's text goes back into
// its packet's question box; a packet something went through for has its saved copy refreshed.
import { keepQuestionDraft } from '$lib/components/review/question-draft';
import { showToast } from '$lib/components/ui/toast.svelte';
import { flushQueue, type FlushOutcome } from './queue';
import { refreshSavedPages } from './saved';
import { m } from '../paraglide/messages.js';

export interface ReplayDeps {
  flush: () => Promise<FlushOutcome>;
  keepDraft: (packetId: string, body: string) => void;
  toast: typeof showToast;
  refreshSaved: (packetId: string) => Promise<void>;
  /** Reloads the page's data (SvelteKit's invalidateAll), so it shows what was recorded. */
  reload: () => Promise<void>;
}

export const replayDeps = (reload: () => Promise<void>): ReplayDeps => ({
  flush: flushQueue,
  keepDraft: keepQuestionDraft,
  toast: showToast,
  refreshSaved: refreshSavedPages,
  reload
});

/** The text of a refused question, which is never lost; '' for an approval. */
const questionText = (action: FlushOutcome['sent'][number]) =>
  action.kind === 'ask' ? (action.fields.find(([n]) => n === 'body')?.[1] ?? '') : '';

/** "You are back online. Your approval was sent." and the like, for what went through. */
export function sentMessage(sent: FlushOutcome['sent']): string | null {
  if (!sent.length) return null;
  if (sent.some((a) => a.kind === 'approve')) return m.replay_approval_sent();
  return m.replay_questions_sent({ count: sent.length });
}

/** Why one queued action did not go: "Your question could not be sent: ... It is back ...". */
export function refusedMessage(refusal: FlushOutcome['refused'][number]): string {
  const { action, message } = refusal;
  const kept = questionText(action) ? m.replay_kept() : '';
  const refused = action.kind === 'approve' ? m.replay_refused_approval : m.replay_refused_question;
  return `${refused({ message })}${kept}`;
}

/** Sends every queued action and tells the reader how it went. */
export async function replayQueue(deps: ReplayDeps): Promise<FlushOutcome> {
  const outcome = await deps.flush();
  const { sent, refused } = outcome;
  for (const refusal of refused) {
    const body = questionText(refusal.action);
    if (body) deps.keepDraft(refusal.action.packetId, body);
    deps.toast(refusedMessage(refusal), 'bad', 8000);
  }
  const message = sentMessage(sent);
  if (message) deps.toast(message);
  // A saved copy is refreshed for what went through. One refused (e.g. the packet was updated
  // since) keeps its saved copy whole: the page, now current, offers to save the new version.
  for (const id of new Set(sent.map((a) => a.packetId))) await deps.refreshSaved(id);
  if (sent.length || refused.length) await deps.reload();
  return outcome;
}
