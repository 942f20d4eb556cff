import { describe, expect, it, vi } from 'vitest';
import { signOutGuard, signOutWarning } from './sign-out';

describe('signOutWarning', () => {
  it('names how many packets go, and where', () => {
    expect(signOutWarning(2, 'phone')).toBe(
      'You have 2 packets saved on this phone. Signing out removes them.'
    );
    expect(signOutWarning(1, 'device')).toBe(
      'You have 1 packet saved on this device. Signing out removes it.'
    );
  });
});

describe('signOutGuard', () => {
  it('with packets saved: warns first and purges nothing, then purges once confirmed', async () => {
    const purge = vi.fn(async () => {});
    const guard = signOutGuard({ countSaved: async () => 3, purge });
    expect(await guard.before()).toBe(3);
    expect(purge).not.toHaveBeenCalled();
    guard.confirm();
    expect(await guard.before()).toBeNull();
    expect(purge).toHaveBeenCalledOnce();
    // A later attempt (the sign-out failed, or was cancelled and tried again) asks again.
    expect(await guard.before()).toBe(3);
  });

  it('with nothing saved: purges (the queue, an earlier person’s copy) and lets the form go', async () => {
    const purge = vi.fn(async () => {});
    const guard = signOutGuard({ countSaved: async () => 0, purge });
    expect(await guard.before()).toBeNull();
    expect(purge).toHaveBeenCalledOnce();
  });

  it('a device it cannot read, or cannot purge, never stops the sign-out', async () => {
    const guard = signOutGuard({
      countSaved: () => Promise.reject(new Error('no IndexedDB')),
      purge: () => Promise.reject(new Error('blocked'))
    });
    expect(await guard.before()).toBeNull();
  });
});
