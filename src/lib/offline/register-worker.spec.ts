import { beforeEach, describe, expect, it, vi } from 'vitest';
import { registerWorker, type WorkerHost } from './register-worker';
import { offline, reloadToUpdate } from './state.svelte';

class FakeWorker extends EventTarget {
  state = 'installing';
  postMessage = vi.fn();
  install() {
    this.state = 'installed';
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  waiting: FakeWorker | null = null;
  installing: FakeWorker | null = null;
  update = vi.fn(async () => {});
  found(worker: FakeWorker) {
    this.installing = worker;
    this.dispatchEvent(new Event('updatefound'));
  }
}

function host(reg: FakeRegistration | null, controlled = true) {
  const container = Object.assign(new EventTarget(), {
    controller: controlled ? ({} as ServiceWorker) : null,
    register: vi.fn(async () => {
      if (!reg) throw new Error('no worker here');
      return reg as unknown as ServiceWorkerRegistration;
    })
  });
  const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
  let online = true;
  const h = {
    container,
    document: doc,
    online: () => online,
    reload: vi.fn(),
    goOffline: () => void (online = false),
    show: () => {
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
    }
  };
  return h satisfies WorkerHost;
}

describe('registerWorker', () => {
  beforeEach(() => {
    offline.updateReady = false;
  });

  it('registers at the root', async () => {
    const h = host(new FakeRegistration());
    await registerWorker(h);
    expect(h.container.register).toHaveBeenCalledWith('/service-worker.js', {
      scope: '/',
      type: 'classic'
    });
    expect(offline.updateReady).toBe(false);
  });

  it('offers a waiting version, and reloads once it has taken over', async () => {
    const reg = new FakeRegistration();
    const next = new FakeWorker();
    reg.waiting = next;
    const h = host(reg);
    await registerWorker(h);
    expect(offline.updateReady).toBe(true);
    await reloadToUpdate();
    expect(next.postMessage).toHaveBeenCalledWith({ type: 'SKIP_WAITING' });
    expect(h.reload).not.toHaveBeenCalled();
    h.container.dispatchEvent(new Event('controllerchange'));
    expect(h.reload).toHaveBeenCalledTimes(1);
  });

  it('offers a version installed while the page is open', async () => {
    const reg = new FakeRegistration();
    await registerWorker(host(reg));
    const next = new FakeWorker();
    reg.found(next);
    expect(offline.updateReady).toBe(false);
    next.install();
    expect(offline.updateReady).toBe(true);
  });

  it('offers nothing on the first install, with no worker in control yet', async () => {
    const reg = new FakeRegistration();
    reg.waiting = new FakeWorker();
    await registerWorker(host(reg, false));
    const next = new FakeWorker();
    reg.found(next);
    next.install();
    expect(offline.updateReady).toBe(false);
  });

  it('looks for a new version when the page is shown again online', async () => {
    const reg = new FakeRegistration();
    const h = host(reg);
    await registerWorker(h);
    h.show();
    expect(reg.update).toHaveBeenCalledTimes(1);
    h.goOffline();
    h.show();
    expect(reg.update).toHaveBeenCalledTimes(1);
  });

  it('gives up quietly where the worker cannot register', async () => {
    await expect(registerWorker(host(null))).resolves.toBeUndefined();
    expect(offline.updateReady).toBe(false);
  });
});
