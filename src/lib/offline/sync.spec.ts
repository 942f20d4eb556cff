import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSync, MAX_RETRY_MS, RETRY_MS, type SyncDeps } from './sync';

function deps(over: Partial<SyncDeps> = {}) {
  const calls: string[] = [];
  const d = {
    calls,
    supported: () => true,
    online: () => true,
    onClientPage: () => true,
    storedKey: vi.fn(async () => null),
    checkSession: vi.fn(async () => {
      calls.push('session');
      return { state: 'signed-in', key: 'k'.repeat(32) } as const;
    }),
    replay: vi.fn(async () => void calls.push('replay')),
    refresh: vi.fn(async () => void calls.push('refresh')),
    waiting: () => 0,
    ...over
  };
  return d;
}

describe('createSync', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('checks the session, sends the queue, then rereads what is saved', async () => {
    const d = deps();
    await createSync(d).sync();
    expect(d.calls).toEqual(['session', 'replay', 'refresh']);
  });

  it('sends nothing for a session that is not signed in', async () => {
    const d = deps({ checkSession: vi.fn(async () => ({ state: 'signed-out' }) as const) });
    await createSync(d).sync();
    expect(d.replay).not.toHaveBeenCalled();
    expect(d.refresh).toHaveBeenCalled();
  });

  it('asks nobody offline, nor off the client pages with nobody stored here', async () => {
    const offline = deps({ online: () => false });
    await createSync(offline).sync();
    expect(offline.calls).toEqual(['refresh']);

    const staffPage = deps({ onClientPage: () => false });
    await createSync(staffPage).sync();
    expect(staffPage.storedKey).toHaveBeenCalled();
    expect(staffPage.calls).toEqual(['refresh']);

    const known = deps({ onClientPage: () => false, storedKey: vi.fn(async () => 'k') });
    await createSync(known).sync();
    expect(known.calls).toEqual(['session', 'replay', 'refresh']);
  });

  it('does nothing where the browser cannot keep data offline', async () => {
    const d = deps({ supported: () => false });
    await createSync(d).sync();
    expect(d.calls).toEqual([]);
  });

  it('online with something still waiting, tries again later, waiting twice as long each time', async () => {
    let waiting = 1;
    const d = deps({ waiting: () => waiting });
    const sync = createSync(d);
    await sync.sync();
    expect(d.replay).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(RETRY_MS - 1);
    expect(d.replay).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(d.replay).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2 * RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(3);
    // 4x, 8x, then never more than MAX_RETRY_MS between tries.
    await vi.advanceTimersByTimeAsync(4 * RETRY_MS + 8 * RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(5);
    await vi.advanceTimersByTimeAsync(MAX_RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(6);
    // Once it went, no more tries; the next wait starts again from RETRY_MS.
    waiting = 0;
    await vi.advanceTimersByTimeAsync(MAX_RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(7);
    await vi.advanceTimersByTimeAsync(10 * MAX_RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(7);
    waiting = 1;
    await sync.sync();
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(9);
  });

  it('tries again after a failed send too, and stops trying once stopped', async () => {
    const d = deps({
      waiting: () => 1,
      replay: vi.fn().mockRejectedValueOnce(new Error('network')).mockResolvedValue(undefined)
    });
    const sync = createSync(d);
    await expect(sync.sync()).rejects.toThrow('network');
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(2);
    sync.stop();
    await vi.advanceTimersByTimeAsync(10 * MAX_RETRY_MS);
    expect(d.replay).toHaveBeenCalledTimes(2);
  });

  it('does not wait offline: the next "online" event syncs', async () => {
    const d = deps({ online: () => false, waiting: () => 1 });
    await createSync(d).sync();
    expect(vi.getTimerCount()).toBe(0);
  });
});
