import { isHttpError } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyLimitFor, limitRequestBody } from './body-limit';
import {
  CERTIFICATE_BODY_LIMIT,
  CSV_BODY_LIMIT,
  FORM_BODY_LIMIT,
  LOGO_BODY_LIMIT,
  LOGO_TOO_LARGE
} from './limits';

const form = { maxBytes: 1000, message: 'Too big.' };

/** A urlencoded body of `chunks` chunks of `size` bytes, pausing forever after `stallAfter`. */
function body(chunks: number, size: number, stallAfter = Infinity) {
  let sent = 0;
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= stallAfter) return new Promise(() => {});
      if (sent++ >= chunks) return controller.close();
      pulled.bytes += size;
      controller.enqueue(new TextEncoder().encode('a'.repeat(size - 1) + '&'));
    }
  });
  return { stream, pulled };
}

function post(stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request('http://sheaf.test/sign-in', {
    method: 'POST',
    body: stream,
    duplex: 'half',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }
  } as RequestInit);
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(isHttpError(error)).toBe(true);
  return error as { status: number; body: { message: string } };
}

/** Settles `promise` into a probe that says whether it has settled yet, and how. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error })
  );
  return state;
}

// Timers are faked where a test is about the idle window, so it asserts what happens before and
// after the window rather than how long a busy machine took.
const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
afterEach(() => void vi.useRealTimers());

describe('limitRequestBody', () => {
  it('passes a body within the cap through whole', async () => {
    const { stream } = body(4, 100);
    const limited = limitRequestBody(post(stream), form, 1000);
    expect((await limited.request.text()).length).toBe(400);
    expect(limited.finished()).toBe(true);
  });

  it('fails the read with 413 once more than the cap has arrived, without reading on', async () => {
    const { stream, pulled } = body(Infinity, 300);
    const limited = limitRequestBody(post(stream), form, 1000);
    const error = await failure(limited.request.formData());
    expect(error.status).toBe(413);
    expect(error.body.message).toBe('Too big.');
    expect(pulled.bytes).toBeLessThanOrEqual(1500);
    expect(limited.finished()).toBe(false);
  });

  it('fails at once when Content-Length is over the cap', async () => {
    const { stream, pulled } = body(Infinity, 300);
    const limited = limitRequestBody(post(stream, { 'content-length': '5000000' }), form, 1000);
    expect((await failure(limited.request.text())).status).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(300);
  });

  it('fails with 408 when the sender stops sending for the idle window', async () => {
    fakeTimers();
    const { stream } = body(10, 10, 2);
    const limited = limitRequestBody(post(stream), form, 100);
    const read = watch(limited.request.text());
    await vi.advanceTimersByTimeAsync(99);
    expect(read.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(read.settled).toBe(true);
    expect(isHttpError(read.error) && read.error.status).toBe(408);
  });

  it('with no idle limit, waits as long as the sender takes', async () => {
    fakeTimers();
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 3600_000));
        if (sent++ === 3) return controller.close();
        controller.enqueue(new Uint8Array(10));
      }
    });
    const limited = limitRequestBody(post(slow), { ...form, maxBytes: Infinity }, Infinity);
    const read = watch(limited.request.arrayBuffer());
    await vi.advanceTimersByTimeAsync(4 * 3600_000);
    expect(read.error).toBeUndefined();
    expect(read.value?.byteLength).toBe(30);
    expect(limited.finished()).toBe(true);
  });

  it('reads nothing until the route asks', async () => {
    const { stream, pulled } = body(Infinity, 300);
    const limited = limitRequestBody(post(stream), form, 50);
    // A stream that pulled on its own would have done so by the event loop's next turns.
    for (let turn = 0; turn < 3; turn++) await new Promise((r) => setImmediate(r));
    expect(pulled.bytes).toBeLessThanOrEqual(300);
    expect(limited.finished()).toBe(false);
  });
});

describe('bodyLimitFor', () => {
  const at = (routeId: string | null, url: string) => ({
    request: new Request(url),
    route: { id: routeId },
    url: new URL(url)
  });

  it('leaves the PDF upload to its own limit; the CSV import and forms get theirs', () => {
    const base = 'http://sheaf.test';
    const upload = bodyLimitFor(
      at('/(staff)/firm/packets/[id]/documents', `${base}/firm/packets/x/documents`)
    );
    expect(upload).toMatchObject({ maxBytes: Infinity, routeLimits: true });
    expect(
      bodyLimitFor(at('/(staff)/firm/clients', `${base}/firm/clients?/import`))?.maxBytes
    ).toBe(CSV_BODY_LIMIT);
    expect(
      bodyLimitFor(at('/(staff)/firm/clients', `${base}/firm/clients?/create`))?.maxBytes
    ).toBe(FORM_BODY_LIMIT);
    expect(bodyLimitFor(at('/(public)/sign-in', `${base}/sign-in`))?.maxBytes).toBe(
      FORM_BODY_LIMIT
    );
    expect(bodyLimitFor(at(null, `${base}/nowhere`))?.maxBytes).toBe(FORM_BODY_LIMIT);
    expect(
      bodyLimitFor(at('/(staff)/firm/certificates/verify', `${base}/firm/certificates/verify`))
        ?.maxBytes
    ).toBe(CERTIFICATE_BODY_LIMIT);
  });

  it('gives the settings page’s logo upload room for one logo, and its other forms the form cap', () => {
    const base = 'http://sheaf.test';
    const logo = bodyLimitFor(at('/(staff)/firm/settings', `${base}/firm/settings?/logo`));
    expect(logo).toMatchObject({ maxBytes: LOGO_BODY_LIMIT, message: LOGO_TOO_LARGE });
    expect(
      bodyLimitFor(at('/(staff)/firm/settings', `${base}/firm/settings?/profile`))?.maxBytes
    ).toBe(FORM_BODY_LIMIT);
  });
});
