import { describe, expect, it, vi } from 'vitest';
import { publishGroups, type BulkDeps, type BulkGroup, type BulkResult } from './bulk-publish';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' }
  });

function group(clientId: string, ...names: string[]): BulkGroup {
  return {
    clientId,
    clientName: `Client ${clientId}`,
    entries: names.map((name) => ({
      file: new File(['%PDF-1.7'], name, { type: 'application/pdf' }),
      state: 'ready',
      progress: 0
    }))
  };
}

type Answer = Response | Error;

/** A server that answers each request from `answers` by path; an Error is a dropped connection. */
function server(answers: Record<string, Answer | Answer[]>, uploadFails: string[] = []) {
  const calls: string[] = [];
  const answer = (key: string) => {
    const a = answers[key];
    const next = Array.isArray(a) ? a.shift() : a;
    if (!next) throw new Error(`no answer for ${key}`);
    if (next instanceof Error) throw next;
    return next;
  };
  const deps: BulkDeps = {
    fetch: vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const path = String(url);
      const body = init?.body ? JSON.parse(String(init.body)) : null;
      calls.push(body?.clientId ? `${path} ${body.clientId}` : path);
      return answer(path.replace(/\/packets\/[^/]+\/publish$/, '/packets/*/publish'));
    }) as unknown as typeof fetch,
    upload: vi.fn(async (url: string, file: File, progress: (f: number) => void) => {
      calls.push(`${url} ${file.name}`);
      progress(0.5);
      return uploadFails.includes(file.name)
        ? { ok: false, error: `"${file.name}" is not a PDF.` }
        : { ok: true };
    })
  };
  return { deps, calls };
}

async function run(groups: BulkGroup[], deps: BulkDeps) {
  const results: BulkResult[] = [];
  await publishGroups(
    groups,
    { title: 'Q3 review', period: '2026-Q3' },
    (r) => results.push(r),
    deps
  );
  return results;
}

const created = (packetId: string) => json(201, { packetId });
const ok = () => json(200, { ok: true });

describe('publishGroups', () => {
  it('creates, fills in order and publishes a packet per client', async () => {
    const { deps, calls } = server({
      '/firm/packets/bulk/create': [created('p1'), created('p2')],
      '/firm/packets/*/publish': [ok(), ok()]
    });
    const a = group('a', 'a1.pdf', 'a2.pdf');
    const b = group('b', 'b1.pdf');
    expect(await run([a, b], deps)).toEqual([
      { clientId: 'a', clientName: 'Client a', packetId: 'p1', error: undefined },
      { clientId: 'b', clientName: 'Client b', packetId: 'p2', error: undefined }
    ]);
    expect(calls).toEqual([
      '/firm/packets/bulk/create a',
      '/firm/packets/p1/documents a1.pdf',
      '/firm/packets/p1/documents a2.pdf',
      '/firm/packets/p1/publish',
      '/firm/packets/bulk/create b',
      '/firm/packets/p2/documents b1.pdf',
      '/firm/packets/p2/publish'
    ]);
    expect(a.entries.map((e) => [e.state, e.progress])).toEqual([
      ['done', 1],
      ['done', 1]
    ]);
  });

  it('sends the packet details with each create', async () => {
    const { deps } = server({
      '/firm/packets/bulk/create': created('p1'),
      '/firm/packets/*/publish': ok()
    });
    await run([group('a', 'a1.pdf')], deps);
    const init = vi.mocked(deps.fetch).mock.calls[0][1]!;
    expect(JSON.parse(String(init.body))).toEqual({
      clientId: 'a',
      title: 'Q3 review',
      period: '2026-Q3'
    });
  });

  it('reports a refused create and goes on to the next client', async () => {
    const { deps, calls } = server({
      '/firm/packets/bulk/create': [json(400, { error: 'No contacts.' }), created('p2')],
      '/firm/packets/*/publish': ok()
    });
    const results = await run([group('a', 'a1.pdf'), group('b', 'b1.pdf')], deps);
    expect(results.map((r) => [r.packetId, r.error])).toEqual([
      [null, 'No contacts.'],
      ['p2', undefined]
    ]);
    expect(calls).not.toContain('/firm/packets/p1/documents a1.pdf');
  });

  it('leaves a packet whose upload failed as a draft, unpublished', async () => {
    const { deps, calls } = server({ '/firm/packets/bulk/create': created('p1') }, ['a1.pdf']);
    const a = group('a', 'a1.pdf', 'a2.pdf');
    const [result] = await run([a], deps);
    expect(result.error).toBe('"a1.pdf" is not a PDF. Left as a draft.');
    expect(a.entries.map((e) => e.state)).toEqual(['error', 'done']);
    expect(calls).not.toContain('/firm/packets/p1/publish');
  });

  it('leaves a packet the server would not publish as a draft', async () => {
    const { deps } = server({
      '/firm/packets/bulk/create': created('p1'),
      '/firm/packets/*/publish': json(409, { error: 'Already published.' })
    });
    const [result] = await run([group('a', 'a1.pdf')], deps);
    expect(result).toMatchObject({ packetId: 'p1', error: 'Already published. Left as a draft.' });
  });

  it('says the connection failed when a create gets no answer, and carries on', async () => {
    const { deps } = server({
      '/firm/packets/bulk/create': [new TypeError('Failed to fetch'), created('p2')],
      '/firm/packets/*/publish': ok()
    });
    const a = group('a', 'a1.pdf');
    const results = await run([a, group('b', 'b1.pdf')], deps);
    expect(results.map((r) => [r.packetId, r.error])).toEqual([
      [null, 'The connection failed. Try again.'],
      ['p2', undefined]
    ]);
    // Still here to publish with the next tap.
    expect(a.entries[0].state).toBe('ready');
  });

  it('says the connection failed when a publish gets no answer: the packet waits as a draft', async () => {
    const { deps } = server({
      '/firm/packets/bulk/create': created('p1'),
      '/firm/packets/*/publish': new TypeError('Failed to fetch')
    });
    const a = group('a', 'a1.pdf');
    const [result] = await run([a], deps);
    expect(result).toMatchObject({
      packetId: 'p1',
      error: 'The connection failed. Left as a draft.'
    });
    expect(a.entries[0].state).toBe('done');
  });

  it('takes an answer that is not JSON as a failure with a plain word', async () => {
    const { deps } = server({
      '/firm/packets/bulk/create': [new Response('Bad gateway', { status: 502 }), created('p2')],
      '/firm/packets/*/publish': new Response('<html>', { status: 502 })
    });
    const results = await run([group('a', 'a1.pdf'), group('b', 'b1.pdf')], deps);
    expect(results.map((r) => r.error)).toEqual(['Failed.', 'Publish failed. Left as a draft.']);
  });
});
