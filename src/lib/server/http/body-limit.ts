// Caps on request bodies below adapter-node's BODY_SIZE_LIMIT, which must fit the largest PDF.
// The body is wrapped, not buffered: a route reads it as usual, and the read fails with 413 once
// more than the cap has arrived (or at once when Content-Length says so), or with 408 when the
// client stops sending for BODY_IDLE_TIMEOUT.
import { error } from '@sveltejs/kit';
import {
  CERTIFICATE_BODY_LIMIT,
  CSV_BODY_LIMIT,
  FORM_BODY_LIMIT,
  LOGO_BODY_LIMIT,
  LOGO_TOO_LARGE,
  MAX_CERTIFICATE_BYTES,
  MB,
  WEBHOOK_BODY_LIMIT
} from './limits';
import { formatBytes } from '../../format/bytes';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';

export interface BodyLimit {
  maxBytes: number;
  /** Said to the sender when the body is larger. */
  message: string;
  /** The route reads with limits of its own (size and stalls): only watch that it reads it all. */
  routeLimits?: true;
}

interface RoutedRequest {
  request: Request;
  route: { id: string | null };
  url: URL;
}

const UPLOAD_ROUTE = '/(staff)/firm/packets/[id]/documents';
const CLIENTS_ROUTE = '/(staff)/firm/clients';
const WEBHOOK_ROUTE = '/api/webhooks/postmark';
const VERIFY_ROUTE = '/(staff)/firm/certificates/verify';
const SETTINGS_ROUTE = '/(staff)/firm/settings';

// The upload endpoint reads its raw body with MAX_UPLOAD_MB and BODY_IDLE_TIMEOUT (read-body.ts).
const UPLOAD: BodyLimit = { maxBytes: Infinity, message: '', routeLimits: true };
const FORM: BodyLimit = {
  maxBytes: FORM_BODY_LIMIT,
  // Read when the body is, in the request's language: a contact's form may meet this one.
  get message() {
    return m.err_request_too_large({ size: formatBytes(FORM_BODY_LIMIT, getLocale()) });
  }
};
const CSV: BodyLimit = {
  maxBytes: CSV_BODY_LIMIT,
  message: 'The CSV is larger than 2 MB. Split it into smaller files and import each.'
};
const CERTIFICATE: BodyLimit = {
  maxBytes: CERTIFICATE_BODY_LIMIT,
  message: `That file is larger than a certificate can be (${MAX_CERTIFICATE_BYTES / MB} MB).`
};
const LOGO: BodyLimit = { maxBytes: LOGO_BODY_LIMIT, message: LOGO_TOO_LARGE };
const WEBHOOK: BodyLimit = {
  maxBytes: WEBHOOK_BODY_LIMIT,
  message: `The event is larger than Sheaf accepts (${WEBHOOK_BODY_LIMIT / MB} MB).`
};

/** The cap for this request's body. */
export function bodyLimitFor({ route, url }: RoutedRequest): BodyLimit {
  if (route.id === UPLOAD_ROUTE) return UPLOAD;
  if (route.id === WEBHOOK_ROUTE) return WEBHOOK;
  if (route.id === VERIFY_ROUTE) return CERTIFICATE;
  // SvelteKit runs the first `?/name` in the query as the action.
  const action = [...url.searchParams.keys()].find((k) => k.startsWith('/'));
  if (route.id === CLIENTS_ROUTE && action === '/import') return CSV;
  if (route.id === SETTINGS_ROUTE && action === '/logo') return LOGO;
  return FORM;
}

export interface LimitedRequest {
  request: Request;
  /** True once the body was read to its end within the limits. */
  finished(): boolean;
}

/** The request with its body read through the cap; GET, HEAD and empty bodies pass unchanged. */
export function limitRequestBody(
  request: Request,
  limit: BodyLimit,
  idleMs: number
): LimitedRequest {
  const source = request.body;
  if (!source) return { request, finished: () => true };
  const declared = Number(request.headers.get('content-length') ?? NaN);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let received = 0;
  let done = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (declared > limit.maxBytes) return controller.error(httpError(413, limit.message));
        reader ??= source.getReader();
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<'stalled'>((resolve) => {
          if (Number.isFinite(idleMs)) timer = setTimeout(() => resolve('stalled'), idleMs);
        });
        const next = await Promise.race([reader.read(), stalled]).finally(() =>
          clearTimeout(timer)
        );
        if (next === 'stalled') {
          return controller.error(httpError(408, m.err_request_too_slow()));
        }
        if (next.done) {
          done = true;
          return controller.close();
        }
        received += next.value.byteLength;
        if (received > limit.maxBytes) return controller.error(httpError(413, limit.message));
        controller.enqueue(next.value);
      },
      cancel(reason) {
        return reader ? reader.cancel(reason) : source.cancel(reason);
      }
    },
    // Read only when the route asks: a route that never reads the body never waits for it.
    { highWaterMark: 0 }
  );
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    duplex: 'half'
  } as RequestInit);
  return { request: limited, finished: () => done };
}

function httpError(status: number, message: string): unknown {
  try {
    error(status, message);
  } catch (thrown) {
    return thrown;
  }
}
