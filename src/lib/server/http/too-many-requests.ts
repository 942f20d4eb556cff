import { error, type RequestEvent } from '@sveltejs/kit';
import { describeWait } from '../auth/rate-limit';
import { m } from '../../paraglide/messages.js';

/** The 429 page: says when to try again, in the request's language (Retry-After, to machines). */
export function tooManyRequests(event: RequestEvent, retryAfterSeconds: number): never {
  event.setHeaders({ 'retry-after': String(retryAfterSeconds) });
  error(429, m.err_too_many({ wait: describeWait(retryAfterSeconds, event.locals.locale) }));
}
