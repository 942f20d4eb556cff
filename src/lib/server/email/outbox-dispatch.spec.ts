import { describe, expect, it } from 'vitest';
import type { ClaimedEmail } from './outbox-claims';
import { channelsOf, sendByChannel } from './outbox-dispatch';
import type { EmailTransport } from './transport';
import type { PushTransport } from '../push/transport';

const row = (id: number, channel: 'email' | 'push'): ClaimedEmail => ({
  id,
  kind: 'packet',
  channel,
  message: { kind: 'packet', to: `${id}@example.test`, subject: 's', html: 'h', text: 't' },
  attempts: 0,
  ageMs: 0
});

function emailTransport(calls: number[][]): EmailTransport {
  return {
    name: 'mailbox',
    maxBatch: 2,
    async send(messages) {
      calls.push(messages.map((m) => m.id));
      return messages.map((m) => ({ status: 'sent', messageId: `mail-${m.id}` }));
    }
  };
}

describe('sendByChannel', () => {
  it('sends each row through its channel, in chunks, answering in the batch order', async () => {
    const mailCalls: number[][] = [];
    const pushCalls: number[][] = [];
    const push: PushTransport = {
      name: 'push',
      maxBatch: 10,
      async send(messages) {
        pushCalls.push(messages.map((m) => m.id));
        return messages.map((m) => ({ status: 'sent', messageId: `push-${m.id}` }));
      }
    };
    const claimed = [row(1, 'email'), row(2, 'push'), row(3, 'email'), row(4, 'email')];
    const results = await sendByChannel(claimed, { email: emailTransport(mailCalls), push }, {});
    expect(results).toEqual([
      { status: 'sent', messageId: 'mail-1' },
      { status: 'sent', messageId: 'push-2' },
      { status: 'sent', messageId: 'mail-3' },
      { status: 'sent', messageId: 'mail-4' }
    ]);
    expect(mailCalls).toEqual([[1, 3], [4]]);
    expect(pushCalls).toEqual([[2]]);
  });

  it('turns a transport that throws into retries of its own rows only', async () => {
    const push: PushTransport = {
      name: 'push',
      maxBatch: 10,
      send: async () => {
        throw new Error('keys unavailable');
      }
    };
    const results = await sendByChannel(
      [row(1, 'push'), row(2, 'email')],
      { email: emailTransport([]), push },
      {}
    );
    expect(results).toEqual([
      { status: 'retry', error: 'keys unavailable' },
      { status: 'sent', messageId: 'mail-2' }
    ]);
  });

  it('claims push rows only with a push transport', () => {
    expect(channelsOf({ email: emailTransport([]) })).toEqual(['email']);
    expect(
      channelsOf({
        email: emailTransport([]),
        push: { name: 'push', maxBatch: 1, send: async () => [] }
      })
    ).toEqual(['email', 'push']);
  });
});
