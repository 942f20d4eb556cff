import { describe, expect, it, vi } from 'vitest';
import { forgetPushHere, turnOffPush, turnOnPush, type PushDeps } from './subscribe';

const serverKey = Buffer.alloc(65, 4).toString('base64url');

function fakes(options: { permission?: NotificationPermission; saveStatus?: number } = {}) {
  const unsubscribe = vi.fn(async () => true);
  const subscription = {
    options: { applicationServerKey: null },
    unsubscribe,
    toJSON: () => ({ endpoint: 'https://push.example/1', keys: { p256dh: 'k', auth: 'a' } })
  };
  let current: typeof subscription | null = null;
  const subscribe = vi.fn(async () => (current = subscription));
  const manager = {
    getSubscription: async () => current,
    subscribe
  } as unknown as PushManager;
  const requests: { method: string; body?: string }[] = [];
  const deps: PushDeps = {
    permission: () => 'default',
    requestPermission: vi.fn(async () => options.permission ?? 'granted'),
    pushManager: async () => manager,
    fetch: vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      requests.push({ method, body: init?.body as string | undefined });
      if (method === 'GET') return Response.json({ publicKey: serverKey, subscribed: false });
      if (method === 'POST') return new Response('{}', { status: options.saveStatus ?? 201 });
      return Response.json({ subscribed: false });
    }) as unknown as typeof fetch
  };
  return { deps, subscribe, unsubscribe, requests };
}

describe('turnOnPush', () => {
  it('asks on the tap, subscribes with the server key and saves the subscription', async () => {
    const f = fakes();
    expect(await turnOnPush(f.deps)).toEqual({ ok: true });
    expect(f.deps.requestPermission).toHaveBeenCalledOnce();
    expect(f.subscribe).toHaveBeenCalledOnce();
    const [{ applicationServerKey, userVisibleOnly }] = f.subscribe.mock.calls[0] as unknown as [
      PushSubscriptionOptionsInit
    ];
    expect(userVisibleOnly).toBe(true);
    expect(Buffer.from(applicationServerKey as Uint8Array).toString('base64url')).toBe(serverKey);
    expect(f.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(JSON.parse(f.requests[1].body!)).toMatchObject({ endpoint: 'https://push.example/1' });
  });

  it('subscribes to nothing when permission is refused', async () => {
    const f = fakes({ permission: 'denied' });
    expect(await turnOnPush(f.deps)).toMatchObject({ ok: false, reason: 'denied' });
    expect(f.subscribe).not.toHaveBeenCalled();
    expect(f.requests).toEqual([]);
  });

  it('undoes the subscription when the server does not keep it', async () => {
    const f = fakes({ saveStatus: 400 });
    expect(await turnOnPush(f.deps)).toMatchObject({ ok: false, reason: 'failed' });
    expect(f.unsubscribe).toHaveBeenCalledOnce();
  });
});

describe('turning off', () => {
  it('unsubscribes here and tells the server; sign-out only forgets it here', async () => {
    const f = fakes();
    await turnOnPush(f.deps);
    expect(await turnOffPush(f.deps)).toBe(true);
    expect(f.unsubscribe).toHaveBeenCalledOnce();
    expect(f.requests.at(-1)?.method).toBe('DELETE');
    const g = fakes();
    await turnOnPush(g.deps);
    await forgetPushHere(g.deps);
    expect(g.unsubscribe).toHaveBeenCalledOnce();
    expect(g.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });
});
