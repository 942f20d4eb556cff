// Reads an upload's body chunk by chunk, stopping as soon as it passes the limit (a huge or
// endless body is never buffered whole) or stalls (a client trickling bytes cannot hold the
// request open for Node's 5-minute request timeout): BODY_IDLE_TIMEOUT, 30 s unless set.
import { getConfig } from '../config';

export type ReadBodyResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large'; received: number }
  | { ok: false; reason: 'stalled' };

export async function readBodyLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  idleMs = getConfig().BODY_IDLE_TIMEOUT * 1000
): Promise<ReadBodyResult> {
  if (!body) return { ok: true, bytes: new Uint8Array() };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<'stalled'>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), idleMs);
      });
      const next = await Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
      // No reader.cancel() on giving up: adapter-node would destroy the socket, and the client
      // would get no answer. hooks.server.ts closes the connection after the answer instead.
      if (next === 'stalled') return { ok: false, reason: 'stalled' };
      if (next.done) break;
      received += next.value.byteLength;
      if (received > maxBytes) return { ok: false, reason: 'too-large', received };
      chunks.push(next.value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
