import { describe, expect, it, vi } from 'vitest';
import { packetSubmit, queueIfOffline, refreshSavedCopy, type QueueDeps } from './queue-form';

function deps(over: Partial<QueueDeps> = {}) {
  return {
    online: () => false,
    enqueue: vi.fn(async (action: Parameters<QueueDeps['enqueue']>[0]) => !!action),
    refresh: vi.fn(async () => {}),
    toast: vi.fn(),
    newId: () => 'fresh-id',
    ...over
  };
}

function question(requestId = 'r1') {
  const formData = new FormData();
  formData.set('requestId', requestId);
  formData.set('version', '2');
  formData.set('page', '3');
  formData.set('body', 'Is page 3 the June total?');
  return {
    kind: 'ask' as const,
    packetId: 'p1',
    packetTitle: 'Q3 review',
    path: '/p/p1/d/d1',
    formData
  };
}

describe('queueIfOffline', () => {
  it('leaves the form alone while online', async () => {
    const d = deps({ online: () => true });
    expect(await queueIfOffline(question(), d)).toBe('online');
    expect(d.enqueue).not.toHaveBeenCalled();
  });

  it('offline, queues the fields under the form’s request id, for its own page', async () => {
    const d = deps();
    expect(await queueIfOffline(question(), d)).toBe('queued');
    expect(d.enqueue).toHaveBeenCalledWith({
      requestId: 'r1',
      packetId: 'p1',
      packetTitle: 'Q3 review',
      kind: 'ask',
      path: '/p/p1/d/d1',
      fields: [
        ['requestId', 'r1'],
        ['version', '2'],
        ['page', '3'],
        ['body', 'Is page 3 the June total?']
      ]
    });
    // The "Waiting to send" lists read the queue again, then the reader is told.
    expect(d.refresh).toHaveBeenCalledOnce();
    expect(d.toast).toHaveBeenCalledWith(
      'You are offline. Your question will be sent when you are back online.',
      'info',
      6000
    );
  });

  it('gives a form without a request id one', async () => {
    const enqueue = vi.fn(async (action: Parameters<QueueDeps['enqueue']>[0]) => !!action);
    await queueIfOffline(question(''), deps({ enqueue }));
    expect(enqueue.mock.calls[0][0]).toMatchObject({ requestId: 'fresh-id' });
  });

  it('says so when the queue takes nothing (nobody signed in on this device)', async () => {
    const d = deps({ enqueue: vi.fn(async () => false) });
    expect(await queueIfOffline(question(), d)).toBe('not-queued');
    expect(d.refresh).not.toHaveBeenCalled();
    expect(d.toast).toHaveBeenCalledWith(
      'You are offline. Try again once you are back online.',
      'bad',
      6000
    );
  });

  it('a queue that fails to write counts as not queued', async () => {
    const d = deps({ enqueue: vi.fn(async () => Promise.reject(new Error('quota'))) });
    expect(await queueIfOffline(question(), d)).toBe('not-queued');
  });
});

describe('refreshSavedCopy', () => {
  const deps = (online: boolean, saved: string[]) => ({
    online: () => online,
    isSaved: (id: string) => saved.includes(id),
    refresh: vi.fn(async () => {})
  });

  it('refreshes the saved copy of the packet the form went through for', async () => {
    const d = deps(true, ['p1', 'p2']);
    await refreshSavedCopy('p1', d);
    expect(d.refresh).toHaveBeenCalledWith('p1');
    expect(d.refresh).toHaveBeenCalledTimes(1);
  });

  it('leaves alone a packet not saved here, and does nothing offline', async () => {
    const notSaved = deps(true, ['p2']);
    await refreshSavedCopy('p1', notSaved);
    expect(notSaved.refresh).not.toHaveBeenCalled();
    const offline = deps(false, ['p1']);
    await refreshSavedCopy('p1', offline);
    expect(offline.refresh).not.toHaveBeenCalled();
    const noPacket = deps(true, ['']);
    await refreshSavedCopy('', noPacket);
    expect(noPacket.refresh).not.toHaveBeenCalled();
  });
});

describe('packetSubmit', () => {
  it('takes the packet, its title and the page from where the form is', () => {
    const formData = new FormData();
    const page = {
      params: { packetId: 'p1', docId: 'd1' },
      data: { packet: { title: 'Q3 review' } },
      url: new URL('https://sheaf.test/p/p1/d/d1?x=1#page=3')
    };
    expect(packetSubmit('ask', page, formData)).toEqual({
      kind: 'ask',
      packetId: 'p1',
      packetTitle: 'Q3 review',
      path: '/p/p1/d/d1',
      formData
    });
    const bare = { params: {}, data: {}, url: new URL('https://sheaf.test/p') };
    expect(packetSubmit('approve', bare, formData)).toMatchObject({
      packetId: '',
      packetTitle: ''
    });
  });
});
