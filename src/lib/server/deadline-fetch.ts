// A fetch that always settles by its deadline, body included.
//
// Node 20's fetch can miss an abort: a signal made by AbortSignal.any() is only weakly held, so
// once the garbage collector runs, a call to a server that never answers can wait forever
// (nodejs/node#55428; deadline-fetch.spec.ts runs that case under GC). Here the timer and the
// controller are ours and strongly held, the call also loses a race against the deadline (so it
// settles even if the abort never reaches the socket), and the body is read before the deadline
// too, since a server can send its headers and then stall.

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * A fetch for one client: each call is abandoned after `timeoutMs`, or at once when `stop`
 * aborts (the caller is shutting down), or when the call's own signal aborts.
 */
export function fetchWithDeadline(timeoutMs: number, stop?: AbortSignal): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const sources = [stop, init?.signal ?? undefined].filter((s): s is AbortSignal => !!s);
    const abandoned = new Promise<never>((_, reject) => {
      const give = (reason: unknown) => {
        controller.abort(reason);
        reject(reason);
      };
      const aborted = sources.find((s) => s.aborted);
      if (aborted) return give(aborted.reason);
      timer = setTimeout(() => give(new DeadlineError(timeoutMs)), timeoutMs);
      onAbort = () => give(sources.find((s) => s.aborted)?.reason);
      for (const s of sources) s.addEventListener('abort', onAbort, { once: true });
    });
    const call = (async () => {
      const response = await fetch(input, { ...init, signal: controller.signal });
      const body = NULL_BODY_STATUS.has(response.status) ? null : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers
      });
    })();
    // Whichever loses must not become an unhandled rejection.
    call.catch(() => {});
    abandoned.catch(() => {});
    try {
      return await Promise.race([call, abandoned]);
    } finally {
      clearTimeout(timer);
      for (const s of sources) if (onAbort) s.removeEventListener('abort', onAbort);
    }
  };
}
