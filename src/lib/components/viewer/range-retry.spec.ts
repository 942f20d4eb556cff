import { describe, expect, it, vi } from 'vitest';
import { RETRY_ONLINE_MS, RangeRetry, type RetryEnv } from './range-retry';

function env(online: boolean) {
  const onlineListeners = new Set<() => void>();
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const e: RetryEnv & { goOnline: () => void; runTimers: () => void; timers: typeof timers } = {
    online: () => online,
    onOnline: (fn) => {
      onlineListeners.add(fn);
      return () => onlineListeners.delete(fn);
    },
    later: (fn, ms) => {
      const id = next++;
      timers.set(id, { fn, ms });
      return () => timers.delete(id);
    },
    goOnline: () => {
      online = true;
      for (const fn of [...onlineListeners]) fn();
    },
    runTimers: () => {
      for (const [id, t] of [...timers]) {
        timers.delete(id);
        t.fn();
      }
    },
    timers
  };
  return e;
}

describe('RangeRetry', () => {
  it('offline: the failed ranges wait, and are asked for again once online', () => {
    const e = env(false);
    const changes: boolean[] = [];
    const retry = new RangeRetry((w) => changes.push(w), e);
    const a = vi.fn();
    const b = vi.fn();
    retry.failed(a);
    retry.failed(b);
    expect(retry.waiting).toBe(true);
    expect(changes).toEqual([true]);
    expect(e.timers.size).toBe(0); // no point asking again while offline
    e.goOnline();
    expect(a).toHaveBeenCalledOnce();
    expect(b).toHaveBeenCalledOnce();
    expect(retry.waiting).toBe(false);
    expect(changes).toEqual([true, false]);
    e.goOnline(); // a second event asks nothing twice
    expect(a).toHaveBeenCalledOnce();
  });

  it('online (a server hiccup): asked for again after a pause', () => {
    const e = env(true);
    const retry = new RangeRetry(() => {}, e);
    const a = vi.fn();
    retry.failed(a);
    expect([...e.timers.values()].map((t) => t.ms)).toEqual([RETRY_ONLINE_MS]);
    e.runTimers();
    expect(a).toHaveBeenCalledOnce();
    expect(retry.waiting).toBe(false);
  });

  it('a range failing again waits again', () => {
    const e = env(false);
    const retry = new RangeRetry(() => {}, e);
    const again = vi.fn(() => retry.failed(again));
    retry.failed(again);
    e.goOnline();
    expect(again).toHaveBeenCalledOnce();
    expect(retry.waiting).toBe(true);
  });

  it('once disposed, asks for nothing', () => {
    const e = env(false);
    const retry = new RangeRetry(() => {}, e);
    const a = vi.fn();
    retry.failed(a);
    retry.dispose();
    e.goOnline();
    expect(a).not.toHaveBeenCalled();
  });
});
