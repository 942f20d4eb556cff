import { afterEach, describe, expect, it, vi } from 'vitest';
import { readBodyLimited } from './read-body';

function stream(chunks: number, size: number, stallAfter = Infinity) {
  let sent = 0;
  const pulled = { chunks: 0 };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= stallAfter) return new Promise(() => {});
      if (sent++ >= chunks) return controller.close();
      pulled.chunks++;
      controller.enqueue(new Uint8Array(size).fill(sent));
    }
  });
  return { body, pulled };
}

afterEach(() => void vi.useRealTimers());

describe('readBodyLimited', () => {
  it('returns the whole body when it fits', async () => {
    const { body } = stream(4, 10);
    const result = await readBodyLimited(body, 40);
    expect(result.ok && [...result.bytes.slice(9, 11)]).toEqual([1, 2]);
    expect(result.ok && result.bytes.byteLength).toBe(40);
  });

  it('stops at the limit without reading an endless body', async () => {
    const { body, pulled } = stream(Infinity, 1024 * 1024);
    const result = await readBodyLimited(body, 5 * 1024 * 1024);
    expect(result).toMatchObject({ ok: false, reason: 'too-large' });
    expect(pulled.chunks).toBeLessThanOrEqual(7);
  });

  it('gives up on a body that stalls for the idle window', async () => {
    // Fake timers: what happens before and after the window, however busy the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { body } = stream(10, 10, 2);
    let result: Awaited<ReturnType<typeof readBodyLimited>> | undefined;
    void readBodyLimited(body, 1000, 100).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(99);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual({ ok: false, reason: 'stalled' });
  });
});
