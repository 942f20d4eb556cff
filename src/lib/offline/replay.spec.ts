import { describe, expect, it, vi } from 'vitest';
import type { QueuedAction } from './idb';
import type { FlushOutcome } from './queue';
import { refusedMessage, replayQueue, sentMessage, type ReplayDeps } from './replay';

function action(kind: QueuedAction['kind'], packetId = 'p1', body = ''): QueuedAction {
  return {
    requestId: `${kind}-${packetId}-${body.length}`,
    packetId,
    packetTitle: 'Q3 review',
    kind,
    path: `/p/${packetId}`,
    fields: body ? [['body', body]] : [],
    createdAt: 1
  };
}

function deps(outcome: FlushOutcome): ReplayDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    flush: vi.fn(async () => outcome),
    keepDraft: vi.fn((id: string, body: string) => void calls.push(`draft ${id}: ${body}`)),
    toast: vi.fn((message: string) => void calls.push(`toast ${message}`)),
    refreshSaved: vi.fn(async (id: string) => void calls.push(`refresh ${id}`)),
    reload: vi.fn(async () => void calls.push('reload'))
  };
}

describe('what the reader is told after the queue went', () => {
  it('names an approval first, else counts the questions', () => {
    expect(sentMessage([])).toBeNull();
    expect(sentMessage([action('ask', 'p1', 'Why?'), action('approve')])).toBe(
      'You are back online. Your approval was sent.'
    );
    expect(sentMessage([action('ask', 'p1', 'Why?')])).toBe(
      'You are back online. Your question was sent.'
    );
    expect(sentMessage([action('ask', 'p1', 'Why?'), action('ask', 'p2', 'And?')])).toBe(
      'You are back online. Your questions were sent.'
    );
  });

  it('says why one was refused, and where a question’s text went', () => {
    expect(refusedMessage({ action: action('approve'), message: 'It changed.' })).toBe(
      'Your approval could not be sent: It changed.'
    );
    expect(refusedMessage({ action: action('ask', 'p1', 'Why?'), message: 'It changed.' })).toBe(
      'Your question could not be sent: It changed. It is back in the question box.'
    );
  });
});

describe('replayQueue', () => {
  it('refreshes each packet something went through for once, then reloads the page data', async () => {
    const d = deps({
      sent: [action('approve', 'p1'), action('ask', 'p1', 'Why?'), action('ask', 'p2', 'And?')],
      refused: []
    });
    await replayQueue(d);
    expect(d.calls).toEqual([
      'toast You are back online. Your approval was sent.',
      'refresh p1',
      'refresh p2',
      'reload'
    ]);
  });

  it('puts a refused question back in its box, and keeps a refused packet’s saved copy', async () => {
    const d = deps({
      sent: [],
      refused: [{ action: action('ask', 'p3', 'Is this right?'), message: 'It changed.' }]
    });
    await replayQueue(d);
    expect(d.calls).toEqual([
      'draft p3: Is this right?',
      'toast Your question could not be sent: It changed. It is back in the question box.',
      'reload'
    ]);
    expect(d.toast).toHaveBeenCalledWith(expect.any(String), 'bad', 8000);
  });

  it('does nothing more when nothing was waiting', async () => {
    const d = deps({ sent: [], refused: [] });
    await replayQueue(d);
    expect(d.calls).toEqual([]);
  });
});
