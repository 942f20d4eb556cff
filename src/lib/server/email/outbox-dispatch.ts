// The outbox carries mail and pushes (outbox.channel). A worker claims both in one batch; this
// hands each row to its channel's transport and puts the answers back in the batch's order.
import type { OutboxChannel } from '../db/schema';
import type { PushPayload } from '../push/outbox';
import type { PushTransport } from '../push/transport';
import type { ClaimedEmail } from './outbox-claims';
import type { EmailTransport, SendOptions, SendResult } from './transport';

export interface OutboxTransports {
  email: EmailTransport;
  /** Without one, push rows are left for a worker that has it. */
  push?: PushTransport;
}

/** The channels these transports send. */
export function channelsOf(transports: OutboxTransports): OutboxChannel[] {
  return transports.push ? ['email', 'push'] : ['email'];
}

/**
 * Sends each claimed row through its channel's transport (channels side by side, each in
 * chunks of its transport's maxBatch). Never throws: a transport that does turns its rows into
 * retries.
 */
export async function sendByChannel(
  claimed: ClaimedEmail[],
  transports: OutboxTransports,
  options: SendOptions
): Promise<SendResult[]> {
  const results: SendResult[] = new Array(claimed.length);
  const email: number[] = [];
  const push: number[] = [];
  claimed.forEach((row, i) => (row.channel === 'push' ? push : email).push(i));
  const { push: pushTransport } = transports;
  await Promise.all([
    sendChunks(email, transports.email.maxBatch, results, (at) =>
      transports.email.send(
        at.map((i) => claimed[i]),
        options
      )
    ),
    sendChunks(push, pushTransport?.maxBatch ?? 1, results, async (at) => {
      if (!pushTransport) throw new Error('no push transport');
      // A push row's payload is a PushPayload (enqueuePush writes it).
      const rows = at.map((i) => ({
        id: claimed[i].id,
        kind: claimed[i].kind,
        message: claimed[i].message as unknown as PushPayload
      }));
      return pushTransport.send(rows, options);
    })
  ]);
  return results;
}

async function sendChunks(
  indexes: number[],
  size: number,
  results: SendResult[],
  send: (indexes: number[]) => Promise<SendResult[]>
): Promise<void> {
  for (let start = 0; start < indexes.length; start += size) {
    const at = indexes.slice(start, start + size);
    let answers: SendResult[];
    try {
      answers = await send(at);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      answers = at.map(() => ({ status: 'retry', error: message }));
    }
    at.forEach((i, k) => (results[i] = answers[k] ?? { status: 'retry', error: 'no result' }));
  }
}
