// What the packet page says about the last approval or question the reader sent: a refusal
// because the packet was updated since (a 409, or a question handed over from the viewer with
// `?since=N`), another error, or nothing. Pure, so it is unit-tested rather than read in markup.

import { m } from '$lib/paraglide/messages';

/**
 * Beside a question the server refused because the packet was updated (its text is kept), under
 * the box that says so and lists what changed.
 */
export const staleHint = () => m.stale_hint();

/** An action's result as the page receives it (`form`), loosely typed as the server sends it. */
export interface DecisionResult {
  action?: unknown;
  message?: unknown;
  stale?: unknown;
  seenVersion?: unknown;
  values?: { body?: unknown; reason?: unknown } | null;
}

export interface DecisionState {
  /** "This packet was updated since you opened it": for which version and which action. */
  changed: { since: number; kind: 'approve' | 'ask' | 'decline' } | null;
  approveError: string | null;
  /** Why withdrawing an approval was refused (staff acted on it meanwhile). */
  withdrawError: string | null;
  askError: string | null;
  /** Text for the question box: what was sent back, else a kept draft. */
  askText: string;
  /** A refused "something is wrong": why (not when stale: `changed` says so), and its text. */
  decline: { error: string | null; value: string };
}

export function decisionState(
  form: DecisionResult | null | undefined,
  url: URL,
  version: number,
  draft = ''
): DecisionState {
  const action: 'approve' | 'ask' | 'decline' | null =
    form?.action === 'approve' || form?.action === 'ask' || form?.action === 'decline'
      ? form.action
      : null;
  // A result naming no version at all is a page from before versions: its message says reload.
  const seen = typeof form?.seenVersion === 'number' ? form.seenVersion : null;
  const refused =
    action && form?.stale === true && seen !== null ? { since: seen, kind: action } : null;
  const since = Number(url.searchParams.get('since')) || null;
  const handedOver =
    !refused && since !== null && since < version ? { since, kind: 'ask' as const } : null;
  const changed = refused ?? handedOver;
  const message = typeof form?.message === 'string' ? form.message : null;
  return {
    changed,
    approveError: action === 'approve' && !changed ? message : null,
    withdrawError: form?.action === 'withdraw' ? message : null,
    askError: changed?.kind === 'ask' ? staleHint() : action === 'ask' ? message : null,
    askText: action === 'ask' && typeof form?.values?.body === 'string' ? form.values.body : draft,
    decline: {
      error: action === 'decline' && !changed ? message : null,
      value:
        action === 'decline' && typeof form?.values?.reason === 'string' ? form.values.reason : ''
    }
  };
}
