import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOAD_WAIT_MS, startOffline, type StartDeps } from './start';
import { offline } from './state.svelte';

function deps(over: Partial<Omit<StartDeps, 'events'>> = {}) {
  const idle: Array<() => void> = [];
  const d = {
    events: new EventTarget(),
    online: () => true,
    loaded: () => true,
    idle: (later: () => void) => void idle.push(later),
    canRegister: true,
    sync: { sync: vi.fn(async () => {}), stop: vi.fn() },
    register: vi.fn(async () => {}),
    keepInstallEvent: vi.fn(),
    /** Runs what waits for an idle main thread. */
    runIdle: () => idle.splice(0).forEach((later) => later()),
    ...over
  };
  return d;
}

describe('startOffline', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('syncs and registers the worker once the loaded page is idle, not before', () => {
    const d = deps();
    const stop = startOffline(d);
    expect(d.sync.sync).not.toHaveBeenCalled();
    d.runIdle();
    expect(d.sync.sync).toHaveBeenCalledTimes(1);
    expect(d.register).toHaveBeenCalledTimes(1);
    // The fallback does not run it twice.
    vi.advanceTimersByTime(LOAD_WAIT_MS);
    expect(d.sync.sync).toHaveBeenCalledTimes(1);
    stop();
  });

  it('waits for the load event, or LOAD_WAIT_MS when it never comes', () => {
    const d = deps({ loaded: () => false });
    const stop = startOffline(d);
    d.runIdle();
    expect(d.sync.sync).not.toHaveBeenCalled();
    d.events.dispatchEvent(new Event('load'));
    d.runIdle();
    expect(d.sync.sync).toHaveBeenCalledTimes(1);
    stop();

    const stuck = deps({ loaded: () => false });
    const stopStuck = startOffline(stuck);
    vi.advanceTimersByTime(LOAD_WAIT_MS - 1);
    expect(stuck.sync.sync).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(stuck.sync.sync).toHaveBeenCalledTimes(1);
    stopStuck();
  });

  it('registers no worker where it may not', () => {
    const d = deps({ canRegister: false });
    const stop = startOffline(d);
    d.runIdle();
    expect(d.sync.sync).toHaveBeenCalledTimes(1);
    expect(d.register).not.toHaveBeenCalled();
    stop();
  });

  it('tracks the connection, and syncs on reconnect', () => {
    const d = deps({ online: () => false });
    const stop = startOffline(d);
    expect(offline.online).toBe(false);
    d.events.dispatchEvent(new Event('online'));
    expect(offline.online).toBe(true);
    expect(d.sync.sync).toHaveBeenCalledTimes(1);
    d.events.dispatchEvent(new Event('offline'));
    expect(offline.online).toBe(false);
    stop();
  });

  it('keeps the browser’s offer to install the app', () => {
    const d = deps();
    const stop = startOffline(d);
    const offer = new Event('beforeinstallprompt');
    d.events.dispatchEvent(offer);
    expect(d.keepInstallEvent).toHaveBeenCalledWith(offer);
    stop();
  });

  it('once stopped, hears nothing more and starts nothing late', () => {
    const d = deps({ loaded: () => false });
    const stop = startOffline(d);
    stop();
    expect(d.sync.stop).toHaveBeenCalled();
    d.events.dispatchEvent(new Event('online'));
    d.events.dispatchEvent(new Event('load'));
    d.runIdle();
    vi.advanceTimersByTime(LOAD_WAIT_MS);
    d.events.dispatchEvent(new Event('beforeinstallprompt'));
    expect(d.sync.sync).not.toHaveBeenCalled();
    expect(d.register).not.toHaveBeenCalled();
    expect(d.keepInstallEvent).not.toHaveBeenCalled();
  });
});
