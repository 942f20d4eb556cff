import { describe, expect, it } from 'vitest';
import { decisionState, staleHint } from './decision-state';

const url = (q = '') => new URL(`https://sheaf.test/p/1${q}`);

describe('what the packet page says after a decision', () => {
  it('says nothing when nothing was sent', () => {
    expect(decisionState(null, url(), 2)).toEqual({
      changed: null,
      approveError: null,
      withdrawError: null,
      askError: null,
      askText: '',
      decline: { error: null, value: '' }
    });
  });

  it('keeps a refused decline’s reason and message; a stale one shows what changed', () => {
    const refused = {
      action: 'decline',
      message: 'Keep it under 2,000 characters.',
      values: { reason: 'x'.repeat(2001) }
    };
    expect(decisionState(refused, url(), 2)).toMatchObject({
      changed: null,
      approveError: null,
      decline: { error: 'Keep it under 2,000 characters.', value: 'x'.repeat(2001) }
    });
    const stale = { ...refused, stale: true, seenVersion: 1, message: 'updated' };
    expect(decisionState(stale, url(), 2)).toMatchObject({
      changed: { since: 1, kind: 'decline' },
      decline: { error: null }
    });
  });

  it('shows what changed since the version an approval was refused on, once', () => {
    const form = { action: 'approve', stale: true, seenVersion: 1, message: 'updated' };
    expect(decisionState(form, url(), 2)).toMatchObject({
      changed: { since: 1, kind: 'approve' },
      approveError: null,
      withdrawError: null,
      askError: null
    });
  });

  it('keeps a refused question, with a hint that does not repeat the box', () => {
    const form = { action: 'ask', stale: true, seenVersion: 1, values: { body: 'Why?' } };
    expect(decisionState(form, url(), 2, 'ignored draft')).toEqual({
      changed: { since: 1, kind: 'ask' },
      approveError: null,
      withdrawError: null,
      askError: staleHint(),
      askText: 'Why?',
      decline: { error: null, value: '' }
    });
  });

  it('takes a question handed over from the viewer (?since=) with its kept text', () => {
    expect(decisionState(null, url('?since=1'), 2, 'From the viewer')).toEqual({
      changed: { since: 1, kind: 'ask' },
      approveError: null,
      withdrawError: null,
      askError: staleHint(),
      askText: 'From the viewer',
      decline: { error: null, value: '' }
    });
    // Not older than what is shown (a stale bookmark, a made-up number): nothing to say.
    expect(decisionState(null, url('?since=2'), 2).changed).toBeNull();
    expect(decisionState(null, url('?since=x'), 2).changed).toBeNull();
  });

  it('shows a page from before versions its own message, as an ordinary error', () => {
    const form = { action: 'approve', stale: true, seenVersion: null, message: 'Reload it' };
    expect(decisionState(form, url(), 2)).toMatchObject({
      changed: null,
      approveError: 'Reload it'
    });
  });

  it('passes other errors through to their own form', () => {
    const form = { action: 'ask', message: 'Write your question first.', values: { body: '' } };
    expect(decisionState(form, url(), 1)).toMatchObject({
      askError: 'Write your question first.',
      approveError: null,
      withdrawError: null,
      askText: ''
    });
  });

  it('says why withdrawing an approval was refused', () => {
    const form = { action: 'withdraw', message: 'Your accountant has already acted on this.' };
    expect(decisionState(form, url(), 2).withdrawError).toBe(
      'Your accountant has already acted on this.'
    );
    expect(decisionState(form, url(), 2).approveError).toBeNull();
  });
});
