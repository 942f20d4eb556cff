import { isHttpError, type RequestEvent } from '@sveltejs/kit';

/** The request's JSON body, or null when it is not JSON; the body cap's 413 or 408 goes on. */
export async function readJsonBody(event: RequestEvent): Promise<unknown> {
  return event.request.json().catch((e: unknown) => {
    if (isHttpError(e)) throw e;
    return null;
  });
}
